"""Docker Compose files read as data: which services the host can reach, volumes, port
mappings, variables, restart policies, Docker secrets and environment files, and whether the
images are those the Kubernetes deployment runs."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Any

from sekit.grade.detectors.common import Outcome, from_parts, line_of, yaml_documents
from sekit.grade.detectors.item import Item, item
from sekit.grade.detectors.kubernetes import app_manifests, containers
from sekit.grade.repository import Repository

COMPOSE = re.compile(r"(^|/)(docker-)?compose(\.[\w-]+)?\.ya?ml$")
INTERNAL = re.compile(r"model|inference|predict|ml[-_]|redis|postgres|mysql|mongo|db\b", re.I)


@dataclass(frozen=True)
class ComposeFile:
    path: str
    services: dict[str, dict[str, Any]]
    secrets: dict[str, Any]


def compose_files(repo: Repository) -> list[ComposeFile]:
    found = []
    for relative in repo.files:
        if not COMPOSE.search(relative):
            continue
        for document in yaml_documents(repo, relative):
            services = document.get("services") if isinstance(document, dict) else None
            if isinstance(services, dict) and services:
                secrets = document.get("secrets")
                found.append(
                    ComposeFile(
                        relative,
                        {str(k): v for k, v in services.items() if isinstance(v, dict)},
                        secrets if isinstance(secrets, dict) else {},
                    )
                )
    return found


DOTENV = re.compile(r"^\s*(?:export\s+)?([A-Za-z_]\w*)\s*=\s*(.*?)\s*$")
VARIABLE = re.compile(r"\$\{(\w+)(?::?[-?][^}]*)?\}|\$(\w+)")


def _dotenv(repo: Repository, paths: list[str]) -> dict[str, str]:
    """The variables of ``.env`` files (``KEY=value``, quotes taken off), as compose reads them."""
    found: dict[str, str] = {}
    for path in paths:
        for line in (repo.text(path) or "").splitlines():
            if (match := DOTENV.match(line)) and not line.lstrip().startswith("#"):
                found[match[1]] = match[2].strip("'\"")
    return found


def _substituted(reference: str, variables: dict[str, str]) -> str:
    """``reference`` with ``${VAR}`` and ``$VAR`` replaced from ``variables`` (a default
    written as ``${VAR:-x}`` when the variable is not set)."""

    def value(match: re.Match[str]) -> str:
        name = match[1] or match[2]
        if name in variables:
            return variables[name]
        default = re.match(r"\$\{\w+:?-(.*)\}$", match[0])
        return default[1] if default else match[0]

    return VARIABLE.sub(value, reference)


def _image(reference: str) -> str:
    """An image without its tag or digest (``ghcr.io/team/app``)."""
    reference = reference.split("@", 1)[0]
    head, _, tail = reference.rpartition(":")
    return head if head and "/" not in tail else reference


@item("deploy.compose", "deployment", "compose: only the app reachable, restart, secrets", points=2)
def compose(repo: Repository) -> Outcome:
    """The compose file's semantics: only the app's ports reach the host (a model service or a
    database that publishes a port is named), port mappings, volumes, variables, a restart
    policy on every service, a Docker secret, an environment file, and the same images as the
    Kubernetes deployment."""
    files = compose_files(repo)
    if not files:
        return Outcome("missing", ["no compose file with services"])
    chosen = max(files, key=lambda f: (len(f.services), "dev" not in f.path))
    services = chosen.services
    where = chosen.path
    published = {n: s.get("ports") for n, s in services.items() if s.get("ports")}
    exposed_inside = [n for n in published if INTERNAL.search(n)]
    mapping = any(
        ":" in str(p) or isinstance(p, dict) for ports in published.values() for p in ports or []
    )
    volumes = [n for n, s in services.items() if s.get("volumes")]
    environment = [n for n, s in services.items() if s.get("environment") or s.get("env_file")]
    restarting = [
        n
        for n, s in services.items()
        if s.get("restart") or (s.get("deploy") or {}).get("restart_policy")
    ]
    secret_users = [n for n, s in services.items() if s.get("secrets")]
    folder = posixpath.dirname(where)
    env_files = [n for n, s in services.items() if s.get("env_file")]
    dotenv = [
        f
        for f in repo.files
        if posixpath.dirname(f) == folder and re.match(r"\.env(\.\w+)?$", posixpath.basename(f))
    ]
    interpolated = "${" in (repo.text(where) or "")
    cluster_images = {
        _image(str(c.get("image")))
        for m in app_manifests(repo)
        for c in containers(m.body)
        if c.get("image")
    }
    variables = _dotenv(repo, dotenv)
    images = {
        image
        for s in services.values()
        if s.get("image")
        and "/" in (image := _image(_substituted(str(s["image"]), variables)))  # not nginx:1.27
    }
    same = bool(images) and bool(cluster_images) and images <= cluster_images
    evidence = [
        f"{where}: {len(services)} services, ports published by {', '.join(published) or 'none'}"
    ]
    if exposed_inside:
        declared = line_of(repo, where, r"^\s*" + re.escape(exposed_inside[0]) + r"\s*:")
        evidence.append(
            f"{declared}: publishes a port, though only the app should be reachable from the host"
        )
    missing_restart = sorted(set(services) - set(restarting))
    if restarting and missing_restart:
        evidence.append(f"no restart policy: {', '.join(missing_restart)}")
    if secret_users and chosen.secrets:
        evidence.append("Docker secret: " + line_of(repo, where, r"^secrets\s*:"))
    if env_files or (dotenv and interpolated):
        source = line_of(repo, where, "env_file") if env_files else dotenv[0]
        evidence.append(f"environment file: {source}")
    if same:
        evidence.append("the same images as the Kubernetes deployment")
    return from_parts(
        {
            "only_app": (0.2, bool(published) and not exposed_inside),
            "port_mapping": (0.1, mapping),
            "volume": (0.1, bool(volumes)),
            "environment": (0.1, bool(environment)),
            "restart": (0.15, bool(restarting) and not missing_restart),
            "secret": (0.15, bool(secret_users) and bool(chosen.secrets)),
            "env_file": (0.1, bool(env_files) or (bool(dotenv) and interpolated)),
            "same_images": (0.1, same),
        },
        evidence,
        "",
    )


ITEMS: tuple[Item, ...] = (compose,)
