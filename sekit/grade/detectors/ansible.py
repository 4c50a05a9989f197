"""Ansible playbooks read as data (``safe_load``, never run): every task with its module and
arguments, and what the course's provisioning rubric asks of them: packages, services, files
and configuration edits; idempotence by the choice of modules (no bare ``shell`` or
``command`` without ``creates``, ``removes``, ``changed_when`` or a ``when`` on a registered
check); variables registered and loops; a cluster that is not initialised twice; a generated
``/etc/hosts``; waiting for slow steps; regular-expression edits; and the Kubernetes cluster it
sets up (a kubeconfig for the host, MetalLB, an ingress controller, Istio, the dashboard,
fixed addresses, HTTPS).

``--run`` does not run a playbook: provisioning needs the virtual machines of the Vagrantfile,
which cannot start inside the grading sandbox, and neither Vagrant nor Ansible is installed
where sekit grades (the run's record says so, :func:`not_run`).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from typing import Any

from sekit.grade.detectors.common import Outcome, from_parts, from_shares, yaml_documents
from sekit.grade.detectors.item import Item, item
from sekit.grade.repository import Repository

TASK_KEYS = {
    "name", "when", "register", "loop", "with_items", "with_dict", "with_list", "with_fileglob",
    "become", "tags", "notify", "changed_when", "failed_when", "ignore_errors", "retries",
    "delay", "until", "vars", "args", "environment", "delegate_to", "run_once", "no_log",
    "block", "rescue", "always", "loop_control", "become_user", "async", "poll", "listen",
    "with_sequence", "with_together", "with_nested", "check_mode", "diff", "any_errors_fatal",
}  # fmt: skip
RAW = ("shell", "command", "raw", "script")


@dataclass(frozen=True)
class Task:
    path: str
    name: str
    module: str  # without its collection: apt, shell, lineinfile, ...
    args: Any
    task: dict[str, Any]

    @property
    def text(self) -> str:
        return f"{self.module} {self.args}"

    def where(self, repo: Repository) -> str:
        pattern = re.escape(self.name) if self.name else re.escape(self.module) + r"\s*:"
        for number, line in enumerate((repo.text(self.path) or "").splitlines(), start=1):
            if re.search(pattern, line) and not line.lstrip().startswith("#"):
                return f"{self.path}:{number}: {line.strip()[:100]}"
        return self.path


def _module(task: dict[str, Any]) -> tuple[str, Any] | None:
    for key, value in task.items():
        if str(key) not in TASK_KEYS and not str(key).startswith("with_"):
            return str(key).rsplit(".", 1)[-1], value
    return None


def _walk(items: Any, path: str) -> list[Task]:
    found: list[Task] = []
    for entry in items if isinstance(items, list) else []:
        if not isinstance(entry, dict):
            continue
        for section in (
            "tasks",
            "pre_tasks",
            "post_tasks",
            "handlers",
            "block",
            "rescue",
            "always",
        ):
            found += _walk(entry.get(section), path)
        if any(key in entry for key in ("hosts", "block", "import_playbook")):
            continue
        module = _module(entry)
        if module is not None:
            found.append(Task(path, str(entry.get("name") or ""), module[0], module[1], entry))
    return found


def playbook_files(repo: Repository) -> list[str]:
    """YAML files that hold plays (``hosts:``) or role tasks."""
    found = []
    for relative in repo.matching(("*.yml", "*.yaml")):
        if relative.startswith((".github/", ".gitlab")):
            continue
        documents = yaml_documents(repo, relative)
        first = documents[0] if documents else None
        if (
            isinstance(first, list) and any(isinstance(p, dict) and "hosts" in p for p in first)
        ) or ("/tasks/" in f"/{relative}" and isinstance(first, list)):
            found.append(relative)
    return found


def _plays(repo: Repository, relative: str) -> list[Any]:
    """A playbook's documents as Ansible reads them: its Jinja expressions are YAML strings
    (kept, so that evidence quotes the task's own name); only a file that does not parse
    that way is read with Helm's actions replaced."""
    import yaml

    try:
        return [d for d in yaml.safe_load_all(repo.text(relative) or "") if d is not None]
    except (yaml.YAMLError, RecursionError):
        return yaml_documents(repo, relative)


def tasks(repo: Repository) -> list[Task]:
    cache: dict[str, Any] = repo.__dict__.setdefault("_detector_cache", {})
    if "ansible_tasks" not in cache:
        cache["ansible_tasks"] = [
            task
            for relative in playbook_files(repo)
            for document in _plays(repo, relative)
            for task in _walk(document, relative)
        ]
    found: list[Task] = cache["ansible_tasks"]
    return found


def _args(task: Task) -> dict[str, Any]:
    args = dict(task.args) if isinstance(task.args, dict) else {}
    extra = task.task.get("args")
    if isinstance(extra, dict):
        args.update(extra)
    return args


def guarded(task: Task) -> bool:
    """A raw command Ansible can skip when its work is done."""
    args = _args(task)
    text = str(task.args)
    if any(k in args for k in ("creates", "removes")) or re.search(r"\b(creates|removes)=", text):
        return True
    if "changed_when" in task.task:
        return True
    return bool(task.task.get("when"))


def _first(found: list[Task], modules: tuple[str, ...], pattern: str = "") -> Task | None:
    regex = re.compile(pattern, re.IGNORECASE) if pattern else None
    return next(
        (t for t in found if t.module in modules and (regex is None or regex.search(t.text))),
        None,
    )


@item("provision.software", "provisioning", "Ansible provisioning, idempotent", points=2)
def software(repo: Repository) -> Outcome:
    """Packages installed with apt, a service started and enabled, a file copied and a
    configuration edited (0.3 together); idempotent by module choice (0.2, in proportion to
    the raw commands guarded); a registered variable (0.1); a loop (0.1); the cluster not
    initialised twice (0.1); ``/etc/hosts`` generated (0.1); a wait for slow steps (0.05); a
    regular-expression edit (0.05)."""
    found = tasks(repo)
    if not found:
        return Outcome("missing", ["no Ansible playbook"])
    basics = {
        "apt": _first(found, ("apt", "package")),
        "service": _first(found, ("service", "systemd", "systemd_service"), r"enabled"),
        "copy": _first(found, ("copy", "template", "get_url")),
        "edit": _first(found, ("lineinfile", "replace", "blockinfile", "sysctl", "ini_file")),
    }
    raw = [t for t in found if t.module in RAW]
    unguarded = [t for t in raw if not guarded(t)]
    registered = next((t for t in found if "register" in t.task), None)
    looped = next(
        (t for t in found if "loop" in t.task or any(str(k).startswith("with_") for k in t.task)),
        None,
    )
    init = next((t for t in found if re.search(r"kubeadm\s+init", t.text)), None)
    hosts = _first(found, ("template", "lineinfile", "blockinfile", "copy"), r"/etc/hosts")
    waits = next(
        (
            t
            for t in found
            if t.module in ("wait_for", "pause")
            or "until" in t.task
            or "kubectl wait" in t.text
            or str(_args(t).get("wait")).lower() in ("true", "yes")  # k8s, helm: until ready
        ),
        None,
    )
    regexp = next(
        (t for t in found if t.module in ("lineinfile", "replace") and "regexp" in _args(t)), None
    )
    evidence = [f"{len(found)} tasks in {len(playbook_files(repo))} playbooks"]
    evidence += [f"{what}: {task.where(repo)}" for what, task in basics.items() if task]
    if unguarded:
        evidence.append(
            f"{len(unguarded)} of {len(raw)} shell/command tasks always report a change (no "
            f"creates, removes, changed_when or when): {unguarded[0].where(repo)}"
        )
    if init is not None:
        evidence.append(
            f"kubeadm init {'guarded' if guarded(init) else 'NOT guarded'}: {init.where(repo)}"
        )
    for what, task in (("/etc/hosts", hosts), ("waits", waits), ("regexp edit", regexp)):
        if task:
            evidence.append(f"{what}: {task.where(repo)}")
    idempotent = 1 - len(unguarded) / len(raw) if raw else 1.0
    return from_shares(
        {
            **{name: (0.075, float(task is not None)) for name, task in basics.items()},
            "idempotent": (0.2, round(idempotent, 3)),
            "registered": (0.1, float(registered is not None)),
            "loop": (0.1, float(looped is not None)),
            "init_once": (0.1, float(init is not None and guarded(init))),
            "hosts": (0.1, float(hosts is not None)),
            "waits": (0.05, float(waits is not None)),
            "regexp": (0.05, float(regexp is not None)),
        },
        evidence + not_run(repo),
        "",
    )


MESSAGES = ("debug", "fail", "assert", "pause")  # they print what a task did, or would


CLUSTER = {
    "kubeconfig": (0.25, ("fetch", "copy"), r"admin\.conf|kubeconfig|\.kube/config"),
    "metallb": (0.15, (), r"metallb"),
    "ingress": (0.15, (), r"ingress-nginx|nginx-ingress|traefik"),
    # Installing them, not applying the team's own objects that mention them (an Istio
    # Gateway, a Grafana dashboard).
    "istio": (0.15, (), r"istioctl|istiod|istio[-/]base|downloadIstio|istio-\d"),
    "dashboard": (0.1, (), r"kubernetes[-_ ]dashboard|kubernetes\.github\.io/dashboard"),
    "fixed_ip": (0.1, (), r"loadBalancerIP|IPAddressPool|\baddresses\b"),
    "https": (
        0.1,
        (),
        r"openssl|self.?signed|selfsigned|tls\.crt|cert-manager|\btls\b|ssl-redirect",
    ),
}


@item("provision.cluster", "provisioning", "the Kubernetes cluster the playbooks set up", points=1)
def cluster(repo: Repository) -> Outcome:
    """The Kubernetes cluster the playbooks set up: a kubeconfig for the host and the vagrant
    user (0.25), MetalLB, an ingress controller and Istio (0.15 each), the dashboard (0.1),
    fixed addresses for the ingress and the gateway (0.1), HTTPS with a self-signed
    certificate (0.1)."""
    found = tasks(repo)
    if not found:
        return Outcome("missing", ["no Ansible playbook"])
    evidence = []
    parts: dict[str, tuple[float, bool]] = {}
    for name, (weight, modules, pattern) in CLUSTER.items():
        regex = re.compile(pattern, re.IGNORECASE)
        task = next(
            (
                t
                for t in found
                if (t.module in modules if modules else t.module not in MESSAGES)
                and regex.search(t.text)
            ),
            None,
        )
        parts[name] = (weight, task is not None)
        if task is not None:
            evidence.append(f"{name}: {task.where(repo)}")
    return from_parts(parts, evidence + not_run(repo), "")


def not_run(repo: Repository) -> list[str]:
    """What ``--run`` could not run of the provisioning, and why (empty without ``--run``)."""
    if repo.run is None:
        return []
    missing = [tool for tool in ("vagrant", "ansible-playbook") if shutil.which(tool) is None]
    why = (
        f"{' and '.join(missing)} not installed on the grading machine"
        if missing
        else "the virtual machines cannot start inside the grading sandbox"
    )
    return [f"provisioning idempotence not run under --run: {why}; judged from the files"]


ITEMS: tuple[Item, ...] = (software, cluster)
