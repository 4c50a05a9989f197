"""The Kubernetes deployment read as objects (plain manifests and rendered Helm charts): a
Deployment, its Service and an Ingress; the model service found through a variable; a
ConfigMap and a Secret that a workload uses; a hostPath volume; and the chart itself."""

from __future__ import annotations

import re
from typing import Any

from sekit.grade.charts import Manifest, charts, collisions, manifests, render
from sekit.grade.detectors.common import Outcome, from_parts, from_shares, line_of
from sekit.grade.detectors.item import Item, item
from sekit.grade.repository import Repository

WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet", "Pod", "Job", "CronJob")
SYSTEM = re.compile(
    r"kube-system|kube-flannel|flannel|metallb|ingress-nginx|istio-system|kubernetes-dashboard|"
    r"cert-manager|calico|tigera|kiali|jaeger|prometheus-operator|local-path-storage|"
    r"kube-prometheus|monitoring-system",
    re.IGNORECASE,
)
SETUP_FOLDERS = re.compile(r"(^|/)(ansible|provisioning|playbooks|vagrant|roles)/", re.I)
ADDRESS = re.compile(r"(URL|HOST|ADDR|ADDRESS|URI|ENDPOINT|DNS)$", re.IGNORECASE)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def pod_spec(body: dict[str, Any]) -> dict[str, Any]:
    """The pod's spec inside a workload (a Deployment's template, a CronJob's job's)."""
    spec = _mapping(body.get("spec"))
    if body.get("kind") == "CronJob":
        spec = _mapping(_mapping(spec.get("jobTemplate")).get("spec"))
    template = _mapping(spec.get("template"))
    return _mapping(template.get("spec")) if template else spec


def containers(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The containers (and init containers) of a workload."""
    pod = pod_spec(body)
    return [
        c
        for key in ("containers", "initContainers")
        for c in pod.get(key) or []
        if isinstance(c, dict)
    ]


def app_manifests(repo: Repository) -> list[Manifest]:
    """The objects of the team's application: a chart's, and plain manifests that are neither
    cluster set-up (files the provisioning applies) nor vendored components (Flannel, MetalLB,
    ingress-nginx, Istio's add-ons: any object of the file in their namespaces or names)."""
    cache: dict[str, Any] = repo.__dict__.setdefault("_detector_cache", {})
    if "app_manifests" in cache:
        done: list[Manifest] = cache["app_manifests"]
        return done
    found = manifests(repo)
    vendored = {
        m.path
        for m in found
        if m.chart is None
        and (SYSTEM.search(f"{m.namespace} {m.name}") or SETUP_FOLDERS.search(m.path))
    }
    chosen = [m for m in found if m.path not in vendored]
    cache["app_manifests"] = chosen
    return chosen


def where(repo: Repository, manifest: Manifest, pattern: str) -> str:
    """The template or manifest line that declares what was found."""
    return line_of(repo, manifest.path, pattern)


def declared(repo: Repository, manifest: Manifest) -> str:
    """The line that declares the object's kind."""
    return where(repo, manifest, r"kind:\s*" + re.escape(manifest.kind) + r"\b")


def _uses(workload: Manifest, what: str) -> bool:
    """Whether a workload reads a ConfigMap or a Secret (env, envFrom or a volume)."""
    ref = "configMap" if what == "ConfigMap" else "secret"
    for container in containers(workload.body):
        for env in container.get("env") or []:
            source = env.get("valueFrom") if isinstance(env, dict) else None
            if isinstance(source, dict) and f"{ref}KeyRef" in source:
                return True
        for env in container.get("envFrom") or []:
            if isinstance(env, dict) and f"{ref}Ref" in env:
                return True
    return any(
        isinstance(v, dict) and ref in v for v in pod_spec(workload.body).get("volumes") or []
    )


def _address_variable(
    workload: Manifest, services: set[str], configured: dict[str, str]
) -> str | None:
    """A container variable that names another service (its address), or None. ``configured``
    maps ConfigMap names to an address key they hold (read with ``envFrom``)."""
    for container in containers(workload.body):
        for env in container.get("envFrom") or []:
            ref = env.get("configMapRef") if isinstance(env, dict) else None
            if isinstance(ref, dict) and str(ref.get("name")) in configured:
                return configured[str(ref.get("name"))]
        for env in container.get("env") or []:
            if not isinstance(env, dict) or not ADDRESS.search(str(env.get("name", ""))):
                continue
            value = str(env.get("value", ""))
            if "valueFrom" in env or any(s and s in value for s in services):
                return str(env.get("name"))
    return None


@item("deploy.kubernetes", "deployment", "Kubernetes objects used as the course asks", points=2)
def kubernetes(repo: Repository) -> Outcome:
    """Deployment, Service and Ingress (0.4); a workload that finds the model service through
    a variable (0.15); a ConfigMap and a Secret that a workload uses (0.15 each); a hostPath
    volume (0.15)."""
    found = app_manifests(repo)
    by_kind: dict[str, list[Manifest]] = {}
    for manifest in found:
        by_kind.setdefault(manifest.kind, []).append(manifest)
    workloads = [m for m in found if m.kind in WORKLOADS]
    services = {m.name for m in by_kind.get("Service", [])}
    evidence = [
        f"{kind}: {declared(repo, by_kind[kind][0])}"
        for kind in ("Deployment", "Service", "Ingress")
        if kind in by_kind
    ]
    configured = {
        m.name: str(key)
        for m in by_kind.get("ConfigMap", [])
        for key in _mapping(m.body.get("data"))
        if ADDRESS.search(str(key))
    }
    address = next(
        ((w, name) for w in workloads if (name := _address_variable(w, services, configured))),
        None,
    )
    if address:
        workload, name = address
        holder = next(
            (m for m in by_kind.get("ConfigMap", []) if configured.get(m.name) == name), None
        )
        line = where(repo, holder or workload, re.escape(name) + r"\b")
        evidence.append(f"service address from a variable: {line}")
    uses = {
        what: next((w for w in workloads if _uses(w, what)), None)
        for what in ("ConfigMap", "Secret")
    }
    for what, user in uses.items():
        if user is not None:
            evidence.append(f"uses a {what}: {where(repo, user, what[0].lower() + what[1:])}")
    host_path = next(
        (
            w
            for w in workloads
            if any(
                isinstance(v, dict) and "hostPath" in v
                for v in pod_spec(w.body).get("volumes") or []
            )
        ),
        None,
    )
    if host_path:
        evidence.append(f"hostPath volume: {where(repo, host_path, r'hostPath')}")
    return from_parts(
        {
            "deployment": (0.15, "Deployment" in by_kind),
            "service": (0.1, "Service" in by_kind),
            "ingress": (0.15, "Ingress" in by_kind),
            "address": (0.15, address is not None),
            "configmap": (0.15, uses["ConfigMap"] is not None),
            "secret": (0.15, uses["Secret"] is not None),
            "host_path": (0.15, host_path is not None),
        },
        evidence,
        "no Kubernetes objects (manifests or a Helm chart)",
    )


VALUES_NAME = re.compile(
    r"\.Values\.(?:\w+\.)*\w*(?:name|host|url|address|dns)\w*(?![\w.])", re.IGNORECASE
)


@item("deploy.helm", "deployment", "a Helm chart: values, installable twice", points=2)
def helm(repo: Repository) -> Outcome:
    """A chart that renders the whole deployment (workloads and their Services, 0.4); service
    names or hosts taken from the values (0.3); installable twice in one cluster: no object's
    name is the same under two release names (0.3, in proportion)."""
    found = charts(repo)
    if not found:
        return Outcome("missing", ["no Helm chart (Chart.yaml with templates/)"])
    chart = max(found, key=lambda c: len(render(repo, c).manifests))
    rendering = render(repo, chart)
    kinds = {m.kind for m in rendering.manifests}
    workloads = [m for m in rendering.manifests if m.kind in WORKLOADS]
    complete = bool(workloads) and "Service" in kinds
    named = next(
        (
            hit
            for template in chart.templates
            for hit in [_values_name(repo, template)]
            if hit is not None
        ),
        None,
    )
    clashes, compared = collisions(repo, chart)
    evidence = [
        f"{chart.path('Chart.yaml')}: renders {len(rendering.manifests)} objects "
        f"({len(workloads)} workloads, {sum(m.kind == 'Service' for m in rendering.manifests)} "
        "Services) with its values"
    ]
    evidence += rendering.problems[:2]
    if named:
        evidence.append(f"names from the values: {named}")
    if clashes:
        evidence.append(
            f"a second install would clash on {len(clashes)} of {compared} objects, e.g. "
            f"{clashes[0].kind} {clashes[0].name!r} ({clashes[0].path}): name it after "
            "the release (.Release.Name)"
        )
    elif compared:
        evidence.append(f"installable twice: all {compared} object names follow the release")
    twice = (1 - len(clashes) / compared) if compared else 0.0
    return from_shares(
        {
            "complete": (0.4, float(complete)),
            "values_names": (0.3, float(named is not None)),
            "twice": (0.3, round(twice, 3)),
        },
        evidence,
        "",
    )


def _values_name(repo: Repository, template: str) -> str | None:
    """A line where a name, host or address comes from the values (a Service's name, a
    VirtualService host, a variable holding the model service's address)."""
    lines = (repo.text(template) or "").splitlines()
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        key = re.match(r"^(-\s*)?(name|host|value)\s*:|^-\s*\{\{", stripped)
        if key and VALUES_NAME.search(line):
            return f"{template}:{number}: {stripped[:100]}"
    return None


ITEMS: tuple[Item, ...] = (kubernetes, helm)
