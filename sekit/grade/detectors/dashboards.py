"""Grafana dashboards read as data: which of the app's metrics their panels query, with which
functions, over which time selectors, and whether the deployment installs them."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from sekit.grade.detectors.common import Outcome, from_shares
from sekit.grade.detectors.item import Item, item
from sekit.grade.detectors.kubernetes import app_manifests, declared
from sekit.grade.detectors.metrics import app_metrics
from sekit.grade.repository import Repository

FUNCTIONS = re.compile(r"\b(rate|irate|increase|avg|sum|histogram_quantile|avg_over_time|max)\s*\(")
SELECTORS = re.compile(r"\$__(rate_interval|interval|range)|\[\$\w+\]")
BUILT_IN = re.compile(
    r"^(up|process_|python_|go_|container_|kube_|node_|istio_|envoy_|prometheus_|grafana_|"
    r"apiserver_|scrape_|ALERTS|flask_http|http_server|jvm_|nodejs_)"
)


@dataclass(frozen=True)
class Dashboard:
    path: str
    title: str
    panels: int
    expressions: tuple[str, ...]
    variables: int


def _panels(board: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for panel in board.get("panels") or []:
        if isinstance(panel, dict):
            found.append(panel)
            found += [p for p in panel.get("panels") or [] if isinstance(p, dict)]  # rows
    return found


def dashboards(repo: Repository) -> list[Dashboard]:
    found = []
    for relative in repo.files:
        if not relative.endswith(".json"):
            continue
        text = repo.text(relative) or ""
        if '"panels"' not in text:
            continue
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError):
            continue
        board = data.get("dashboard", data) if isinstance(data, dict) else None
        if not isinstance(board, dict):
            continue
        panels = _panels(board)
        expressions = tuple(
            str(target.get("expr"))
            for panel in panels
            for target in panel.get("targets") or []
            if isinstance(target, dict) and target.get("expr")
        )
        variables = (
            board.get("templating", {}).get("list", [])
            if isinstance(board.get("templating"), dict)
            else []
        )
        if panels:
            found.append(
                Dashboard(
                    relative,
                    str(board.get("title", "")),
                    len(panels),
                    expressions,
                    len(variables or []),
                )
            )
    return found


def _shown(expressions: tuple[str, ...]) -> set[str]:
    """The metric names a panel's PromQL queries (grouping labels, matchers, ranges and
    functions left out; ``_total``, ``_bucket``, ``_sum``, ``_count`` suffixes dropped)."""
    names = set()
    for expression in expressions:
        bare = re.sub(
            r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", expression
        )
        bare = re.sub(r"\{[^}]*\}|\[[^\]]*\]|\"[^\"]*\"|'[^']*'", " ", bare)
        for match in re.finditer(r"(?<![\w.$])([a-zA-Z_:][\w:]*)\b(?!\s*\()", bare):
            name = match.group(1)
            if name.lower() in KEYWORDS:
                continue
            names.add(re.sub(r"_(total|bucket|sum|count|created)$", "", name))
    return names


KEYWORDS = {
    "by",
    "without",
    "on",
    "ignoring",
    "bool",
    "and",
    "or",
    "unless",
    "offset",
    "inf",
    "nan",
}


def installed(repo: Repository) -> str | None:
    """Where the deployment installs a dashboard: a ConfigMap Grafana's sidecar loads (label
    ``grafana_dashboard``) or that holds dashboard JSON, or Grafana's provisioning file."""
    for manifest in app_manifests(repo):
        if manifest.kind != "ConfigMap":
            continue
        labels = (manifest.body.get("metadata") or {}).get("labels") or {}
        data = manifest.body.get("data") or {}
        if (isinstance(labels, dict) and any("grafana_dashboard" in str(k) for k in labels)) or (
            isinstance(data, dict) and any('"panels"' in str(v) for v in data.values())
        ):
            return declared(repo, manifest)
    for hit in repo.grep(r"^\s*providers\s*:", ("*.yaml", "*.yml"), limit=1):
        return str(hit)
    return None


@item("ops.dashboard", "operation", "a dashboard of the app's metrics, installed with it", points=1)
def grafana(repo: Repository) -> Outcome:
    """A Grafana dashboard that shows the app's metrics (every one the code declares, when
    the code is in the same repository; else three of the app's own, 0.4), applies functions
    such as rate or avg (0.2), takes a time selector or a variable (0.2), and is installed
    with the deployment (0.2)."""
    boards = dashboards(repo)
    if not boards:
        return Outcome("missing", ["no Grafana dashboard (JSON with panels)"])
    expressions = tuple(e for b in boards for e in b.expressions)
    shown = {n for n in _shown(expressions) if not BUILT_IN.match(n)}
    declared_names = {re.sub(r"_(total|created)$", "", m.name) for m in app_metrics(repo)}
    if declared_names:
        missing = sorted(declared_names - shown)
        coverage = 1 - len(missing) / len(declared_names)
    else:
        missing = []
        coverage = min(1.0, len(shown) / 3)
    functions = [e for e in expressions if FUNCTIONS.search(e)]
    selectors = [e for e in expressions if SELECTORS.search(e)] or [
        b.path for b in boards if b.variables
    ]
    install = installed(repo)
    best = max(boards, key=lambda b: b.panels)
    evidence = [f"{best.path}: {best.panels} panels, {len(shown)} app metrics shown"]
    if missing:
        evidence.append(f"app metrics no panel shows: {', '.join(missing[:4])}")
    if functions:
        evidence.append(f"functions: {functions[0][:80]}")
    if selectors:
        evidence.append(f"time selector or variable: {selectors[0][:80]}")
    if install:
        evidence.append(f"installed with the deployment: {install}")
    return from_shares(
        {
            "metrics": (0.4, round(coverage, 3)),
            "functions": (0.2, float(bool(functions))),
            "selectors": (0.2, float(bool(selectors))),
            "installed": (0.2, float(install is not None)),
        },
        evidence,
        "",
    )


ITEMS: tuple[Item, ...] = (grafana,)
