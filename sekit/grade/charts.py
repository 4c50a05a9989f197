"""A team's Helm charts, rendered without running Helm, and every Kubernetes object the
repository declares (plain manifests and rendered chart templates alike).

**Why sekit does not run ``helm template`` on a team's chart.** A chart's templates are code
the team controls: they can loop without end, and Helm follows symbolic links and reads
``.Files`` into the output, which would end up in the grade's evidence. Helm's output also
depends on the Helm version installed, so the grade of the same commit would differ between the
team's CI and the instructor's machine (``sekit grade --collect`` compares the two). So grading
renders charts with :mod:`sekit.grade.gotemplate`: the chart's ``values.yaml`` substituted into
the subset of the template language course charts use, nothing executed, work bounded, the
same on every machine. An expression it cannot evaluate prints as ``helm`` and a condition it
cannot evaluate keeps its first branch; an object whose name it cannot tell is still read.

A chart is rendered under a release name (``release-name`` as ``helm template`` does, or two
names to see whether it installs twice: :func:`collisions`).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any

from sekit.grade.gotemplate import Renderer, TemplateError
from sekit.grade.repository import Repository

RELEASE = "release-name"
TEMPLATE_SUFFIXES = (".yaml", ".yml", ".tpl", ".json")


@dataclass(frozen=True)
class Chart:
    folder: str  # the folder of Chart.yaml ("" at the repository's root)
    name: str
    version: str
    app_version: str
    values: dict[str, Any]
    values_file: str | None
    templates: tuple[str, ...]  # every file under templates/, partials (_*.tpl) included

    def path(self, relative: str) -> str:
        return posixpath.join(self.folder, relative) if self.folder else relative


@dataclass(frozen=True)
class Manifest:
    """One Kubernetes object: where it is declared (a manifest or a chart template)."""

    kind: str
    name: str
    namespace: str
    body: dict[str, Any]
    path: str
    chart: str | None = None  # the chart's folder, for an object a chart renders

    @property
    def spec(self) -> dict[str, Any]:
        spec = self.body.get("spec")
        return spec if isinstance(spec, dict) else {}


@dataclass
class Rendering:
    manifests: list[Manifest] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # templates sekit could not read


def _load(repo: Repository, relative: str) -> Any:
    import yaml

    try:
        return yaml.safe_load(repo.text(relative) or "")
    except (yaml.YAMLError, RecursionError):
        return None


def charts(repo: Repository) -> list[Chart]:
    """Every chart of the repository (a ``Chart.yaml`` with a ``templates/`` folder)."""
    cache: dict[str, Any] = repo.__dict__.setdefault("_detector_cache", {})
    if "charts" in cache:
        found: list[Chart] = cache["charts"]
        return found
    found = []
    for relative in repo.files:
        if posixpath.basename(relative) != "Chart.yaml" or "/charts/" in f"/{relative}":
            continue
        meta = _load(repo, relative)
        if not isinstance(meta, dict) or "name" not in meta:
            continue
        folder = posixpath.dirname(relative)
        prefix = f"{folder}/templates/" if folder else "templates/"
        templates = tuple(
            f for f in repo.files if f.startswith(prefix) and f.endswith(TEMPLATE_SUFFIXES)
        )
        values_file = next(
            (
                posixpath.join(folder, name) if folder else name
                for name in ("values.yaml", "values.yml")
                if (posixpath.join(folder, name) if folder else name) in repo.files
            ),
            None,
        )
        values = _load(repo, values_file) if values_file else None
        found.append(
            Chart(
                folder,
                str(meta.get("name")),
                str(meta.get("version", "")),
                str(meta.get("appVersion", "")),
                values if isinstance(values, dict) else {},
                values_file,
                templates,
            )
        )
    cache["charts"] = found
    return found


def render(repo: Repository, chart: Chart, release: str = RELEASE) -> Rendering:
    """The chart's objects under a release name (cached per chart and release)."""
    import yaml

    cache: dict[str, Any] = repo.__dict__.setdefault("_detector_cache", {})
    key = f"render:{chart.folder}:{release}"
    if key in cache:
        done: Rendering = cache[key]
        return done
    renderer = Renderer(files=lambda name: repo.text(chart.path(name)))
    parsed: dict[str, Any] = {}
    rendering = Rendering()
    for template in chart.templates:  # every define first: a template may use a later one
        try:
            parsed[template] = renderer.learn(repo.text(template) or "")
        except (TemplateError, RecursionError) as exc:
            rendering.problems.append(f"{template}: not read ({exc})")
    root = {
        "Values": chart.values,
        "Release": {"Name": release, "Namespace": "default", "Service": "Helm"},
        "Chart": {"Name": chart.name, "Version": chart.version, "AppVersion": chart.app_version},
        "Capabilities": {"KubeVersion": {"Version": "v1.30.0"}},
        "Template": {"BasePath": chart.path("templates")},
    }
    for template, nodes in parsed.items():
        if posixpath.basename(template).startswith("_"):
            continue
        try:
            text = renderer.render(nodes, root)
            documents = list(yaml.safe_load_all(text))
        except (TemplateError, RecursionError) as exc:
            rendering.problems.append(f"{template}: not rendered ({exc})")
            continue
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" near rendered line {mark.line + 1}" if mark is not None else ""
            rendering.problems.append(f"{template}: renders to YAML sekit cannot read{where}")
            continue
        rendering.manifests += objects(documents, template, chart.folder)
    cache[key] = rendering
    return rendering


def objects(documents: list[Any], path: str, chart: str | None = None) -> list[Manifest]:
    """The Kubernetes objects among parsed YAML documents (a ``List`` unpacked)."""
    found: list[Manifest] = []
    for document in documents:
        if not isinstance(document, dict):
            continue
        if document.get("kind") == "List" and isinstance(document.get("items"), list):
            found += objects(document["items"], path, chart)
            continue
        kind, api = document.get("kind"), document.get("apiVersion")
        if not isinstance(kind, str) or not isinstance(api, str):
            continue
        found_metadata = document.get("metadata")
        metadata: dict[str, Any] = found_metadata if isinstance(found_metadata, dict) else {}
        found.append(
            Manifest(
                kind,
                str(metadata.get("name", "")),
                str(metadata.get("namespace", "") or ""),
                document,
                path,
                chart,
            )
        )
    return found


SKIPPED = (".github/", ".gitlab", ".circleci/")


def manifests(repo: Repository) -> list[Manifest]:
    """Every Kubernetes object: plain manifests, and each chart rendered as ``helm template``
    would (values substituted). Files inside a chart's ``templates/`` count once, rendered."""
    from sekit.grade.detectors.common import yaml_documents

    cache: dict[str, Any] = repo.__dict__.setdefault("_detector_cache", {})
    if "manifests" in cache:
        done: list[Manifest] = cache["manifests"]
        return done
    found: list[Manifest] = []
    in_charts = {t for chart in charts(repo) for t in chart.templates}
    for relative in repo.matching(("*.yaml", "*.yml")):
        if relative in in_charts or relative.startswith(SKIPPED) or "dvc" in relative:
            continue
        found += objects(yaml_documents(repo, relative), relative)
    for chart in charts(repo):
        found += render(repo, chart).manifests
    cache["manifests"] = found
    return found


def collisions(repo: Repository, chart: Chart) -> tuple[list[Manifest], int]:
    """Objects whose kind, namespace and name are the same under two release names (a second
    ``helm install`` of the chart would clash on them), and how many objects were compared."""
    first = render(repo, chart, "sekit-first").manifests
    second = {(m.kind, m.namespace, m.name) for m in render(repo, chart, "sekit-second").manifests}
    named = [m for m in first if m.name and "helm" not in m.name.split("-")]
    return [m for m in named if (m.kind, m.namespace, m.name) in second], len(named)
