"""The application's own Prometheus metrics, read from the code: each metric's name, type
(counter, gauge, histogram, summary) and labels, and whether Prometheus collects them.

Python's ``prometheus_client`` declarations are read from the syntax tree; Micrometer (Java,
Kotlin), prom-client (JavaScript, TypeScript) and metrics written by hand in the exposition
format (``# TYPE name counter``) are read from the text. Nothing is run.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any

from sekit.grade.detectors.common import Outcome, from_shares, sources
from sekit.grade.detectors.item import Item, item
from sekit.grade.detectors.kubernetes import app_manifests, declared
from sekit.grade.repository import Repository

TYPES = {"Counter": "counter", "Gauge": "gauge", "Histogram": "histogram", "Summary": "summary"}
MICROMETER = re.compile(
    r"\b(Counter|Gauge|Timer|DistributionSummary)\.builder\(\s*\"([\w.:-]+)\"|"
    r"\.(counter|gauge|timer|summary)\(\s*\"([\w.:-]+)\"",
)
PROM_CLIENT = re.compile(
    r"new\s+(?:\w+\.)?(Counter|Gauge|Histogram|Summary)\(\s*\{[^}]*?name:\s*['\"]([\w:]+)['\"]",
    re.DOTALL,
)
EXPOSITION = re.compile(r"#\s*TYPE\s+([a-zA-Z_:][\w:]*)\s+(counter|gauge|histogram|summary)")


@dataclass(frozen=True)
class AppMetric:
    name: str
    type: str  # counter | gauge | histogram | summary
    labelled: bool
    where: str


def app_metrics(repo: Repository) -> list[AppMetric]:
    """Every metric the application's code declares (cached)."""
    cache: dict[str, Any] = repo.__dict__.setdefault("_detector_cache", {})
    if "app_metrics" in cache:
        done: list[AppMetric] = cache["app_metrics"]
        return done
    found: list[AppMetric] = []
    for relative in sources(repo):
        tree = repo.python(relative)
        if tree is None or "prometheus" not in (repo.text(relative) or ""):
            found += _exposition(repo, relative)
            continue
        for node in ast.walk(tree):
            metric = _python_metric(node, relative)
            if metric is not None:
                found.append(metric)
        found += _exposition(repo, relative)
    for relative in repo.matching(("*.java", "*.kt", "*.js", "*.ts")):
        text = repo.text(relative) or ""
        for match in MICROMETER.finditer(text):
            kind = (match.group(1) or match.group(3) or "").lower()
            kind = {"timer": "histogram", "distributionsummary": "histogram"}.get(kind, kind)
            end = text.find(";", match.end())
            labelled = ".tag(" in text[match.start() : end] or '", "' in match.group(0)
            found.append(
                _at(match.group(2) or match.group(4), kind, labelled, relative, text, match)
            )
        for match in PROM_CLIENT.finditer(text):
            labelled = (
                "labelNames" in match.group(0)
                or "labelNames" in text[match.end() : match.end() + 200].split("})")[0]
            )
            found.append(
                _at(match.group(2), TYPES[match.group(1)], labelled, relative, text, match)
            )
    unique: dict[str, AppMetric] = {}
    for metric in found:
        unique.setdefault(metric.name, metric)
    cache["app_metrics"] = list(unique.values())
    return cache["app_metrics"]  # type: ignore[no-any-return]


def _at(name: str, kind: str, labelled: bool, relative: str, text: str, match: Any) -> AppMetric:
    line = text.count("\n", 0, match.start()) + 1
    return AppMetric(name, kind, labelled, f"{relative}:{line}")


def _python_metric(node: ast.AST, relative: str) -> AppMetric | None:
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    name = (
        func.attr
        if isinstance(func, ast.Attribute)
        else func.id
        if isinstance(func, ast.Name)
        else ""
    )
    if name not in TYPES or not node.args:
        return None
    first = node.args[0]
    if not isinstance(first, ast.Constant) or not isinstance(first.value, str):
        return None
    labels: ast.expr | None = node.args[2] if len(node.args) > 2 else None
    for keyword in node.keywords:
        if keyword.arg == "labelnames":
            labels = keyword.value
    labelled = isinstance(labels, ast.List | ast.Tuple) and bool(labels.elts)
    return AppMetric(first.value, TYPES[name], labelled, f"{relative}:{node.lineno}")


def _exposition(repo: Repository, relative: str) -> list[AppMetric]:
    """Metrics written by hand in Prometheus' text format."""
    text = repo.text(relative) or ""
    found = []
    for match in EXPOSITION.finditer(text):
        name = match.group(1)
        labelled = bool(re.search(re.escape(name) + r"\w*\{", text))
        found.append(_at(name, match.group(2), labelled, relative, text, match))
    return found


def collected(repo: Repository) -> str | None:
    """Where Prometheus is told to scrape the app: a ServiceMonitor or PodMonitor, or a
    ``prometheus.io/scrape`` annotation on a workload."""
    for manifest in app_manifests(repo):
        if manifest.kind in ("ServiceMonitor", "PodMonitor"):
            return declared(repo, manifest)
        template = (
            (manifest.body.get("spec") or {}).get("template")
            if isinstance(manifest.body.get("spec"), dict)
            else None
        )
        metadata = template.get("metadata") if isinstance(template, dict) else None
        annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
        if isinstance(annotations, dict) and str(annotations.get("prometheus.io/scrape")) in (
            "true",
            "True",
        ):
            return f"{manifest.path}: prometheus.io/scrape on {manifest.kind} {manifest.name}"
    return None


@item("ops.metrics", "operation", "the app's own metrics: types, labels, collected", points=2)
def monitoring(repo: Repository) -> Outcome:
    """The app's own metrics: three or more (0.25), a gauge and a counter among them (0.25), a
    histogram (0.2), labels on each type used (0.15), and collected by Prometheus, through a
    ServiceMonitor or a scrape annotation (0.15)."""
    metrics = app_metrics(repo)
    types = {m.type for m in metrics}
    labelled = {m.type for m in metrics if m.labelled}
    scraped = collected(repo)
    evidence = []
    if metrics:
        evidence.append(
            f"{len(metrics)} app metrics: "
            + ", ".join(
                f"{m.name} ({m.type}{', labelled' if m.labelled else ''})" for m in metrics[:5]
            )
        )
        evidence.append(f"first declared at {metrics[0].where}")
    unlabelled = sorted(types - labelled)
    if metrics and unlabelled:
        evidence.append(f"no labels on any {', '.join(unlabelled)}")
    if scraped:
        evidence.append(f"collected: {scraped}")
    return from_shares(
        {
            "three": (0.25, min(1.0, len(metrics) / 3)),
            "gauge_counter": (0.25, float({"gauge", "counter"} <= types)),
            "histogram": (0.2, float("histogram" in types)),
            "labels": (0.15, float(bool(types) and not unlabelled)),
            "collected": (0.15, float(scraped is not None)),
        },
        evidence,
        "no application metrics declared (prometheus_client, Micrometer, prom-client)",
    )


ITEMS: tuple[Item, ...] = (monitoring,)
