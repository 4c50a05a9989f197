"""Operation: the service, containers and their orchestration, monitoring, alerts and
dashboards, canary or A/B releases, the feedback loop.

Each is recognised by content (a Dockerfile that builds and starts something, a manifest with
``kind: Deployment``, a rule with ``alert:`` and ``expr:``, a dashboard with panels), never by
a file name alone. The course's services are not always Python: Flask and FastAPI, Spring,
Express and Micrometer count too.
"""

from __future__ import annotations

import json
import re

from sekit.grade.detectors.common import (
    Outcome,
    from_parts,
    line_of,
    non_test,
    sources,
    yaml_documents,
)
from sekit.grade.detectors.item import Item, item
from sekit.grade.repository import Repository

CODE = ("*.py", "*.java", "*.kt", "*.js", "*.ts", "*.go")
MANIFESTS = ("*.yml", "*.yaml")


@item("ops.service", "operation", "a service with a health endpoint", points=4)
def service(repo: Repository) -> Outcome:
    """A web service (FastAPI, Flask, Spring, Express, ...) with a health endpoint; half
    without one."""
    framework = repo.grep(
        r"from (fastapi|flask|starlette|django|bentoml|litestar)\b|import (fastapi|flask)\b|"
        r"@RestController|@SpringBootApplication|"
        r"require\(['\"]express['\"]\)|from ['\"]express['\"]",
        CODE,
        limit=2,
    )
    health = repo.grep(
        r"""["'](/health|/healthz|/ping|/ready|/readyz|/live|/livez|/actuator/health)["']|"""
        r"management\.endpoints",
        (*CODE, "*.properties", "*.yml"),
        limit=2,
    )
    if framework and health:
        return Outcome("met", [str(framework[0]), str(health[0])])
    if framework:
        return Outcome("partial", [str(framework[0]), "no health endpoint"])
    return Outcome("missing", ["no web service found"])


def _dockerfiles(repo: Repository) -> list[str]:
    found = []
    for relative in repo.files:
        name = relative.rsplit("/", 1)[-1]
        if name == "Dockerfile" or name.startswith("Dockerfile.") or name.endswith(".Dockerfile"):
            text = repo.text(relative) or ""
            if re.search(r"^\s*FROM\s+\S+", text, re.M | re.I) and re.search(
                r"^\s*(CMD|ENTRYPOINT)\b", text, re.M | re.I
            ):
                found.append(relative)
    return found


def _kinds(repo: Repository) -> dict[str, str]:
    """Kubernetes or compose objects found in YAML files: kind -> where."""
    found: dict[str, str] = {}
    for relative in repo.matching(MANIFESTS):
        if relative.startswith((".github/", ".gitlab")) or "dvc" in relative:
            continue
        for document in yaml_documents(repo, relative):
            if not isinstance(document, dict):
                continue
            kind = document.get("kind")
            if isinstance(kind, str) and "apiVersion" in document:
                found.setdefault(kind, line_of(repo, relative, r"^\s*kind\s*:"))
            if isinstance(document.get("services"), dict) and any(
                isinstance(s, dict) and ("image" in s or "build" in s)
                for s in document["services"].values()
            ):
                found.setdefault("compose", line_of(repo, relative, r"^\s*services\s*:"))
    return found


@item("ops.container", "operation", "containerised and orchestrated", points=3)
def container(repo: Repository) -> Outcome:
    """Half for an image definition, half for running it with others (compose, Kubernetes
    objects, a Helm chart)."""
    dockerfiles = _dockerfiles(repo)
    kinds = _kinds(repo)
    helm = [f for f in repo.exists("*Chart.yaml") if "apiVersion" in (repo.text(f) or "")]
    orchestrated = [
        kinds[k] for k in ("compose", "Deployment", "StatefulSet", "Service") if k in kinds
    ]
    evidence = []
    if dockerfiles:
        evidence.append("image: " + line_of(repo, dockerfiles[0], r"^\s*(CMD|ENTRYPOINT)"))
    if helm:
        evidence.append(f"Helm chart: {helm[0]}")
    evidence += [f"runs with: {w}" for w in orchestrated[:2]]
    return from_parts(
        {"image": (0.5, bool(dockerfiles)), "orchestration": (0.5, bool(orchestrated or helm))},
        evidence,
        "no Dockerfile that starts the service, no compose or Kubernetes files",
    )


METRICS = (
    r"prometheus_client|from prometheus|\b(Counter|Gauge|Histogram|Summary)\(\s*['\"]|"
    r"io\.micrometer|MeterRegistry|prom-client|make_asgi_app|[\"']/metrics[\"']"
)
"""Metrics a running service exposes. ``/metrics`` counts as a route (a quoted path), never
inside a file name: a script that writes ``output/metrics.json`` measures a model offline, not
the predictions a service served."""


@item("ops.monitoring", "operation", "served predictions measured and watched", points=3)
def monitoring(repo: Repository) -> Outcome:
    """Half for exposing metrics or logging every prediction, half for watching them: drift
    checks, a scrape configuration, online accuracy from feedback."""
    exposed = repo.grep(METRICS, tuple(c for c in CODE), limit=2)
    logged = repo.grep(
        r"log_prediction|requests\.jsonl|prediction.?log|opentelemetry", non_test(repo), limit=2
    )
    watched = repo.grep(
        r"drift|evidently|sekit check (data|monitor)|^production\s*=|scrape_configs|"
        r"ServiceMonitor|prometheus\.io/scrape|^\[monitor\]",
        (*non_test(repo), "sekit.toml", *MANIFESTS),
        limit=2,
    )
    evidence = [str(h) for h in (exposed + logged + watched)[:3]]
    return from_parts(
        {"measured": (0.5, bool(exposed or logged)), "watched": (0.5, bool(watched))},
        evidence,
        "served predictions are neither measured, logged nor checked for drift",
    )


def _dashboards(repo: Repository) -> list[str]:
    found = []
    for relative in repo.files:
        if (
            not relative.endswith(".json")
            or "dashboard" not in relative.lower() + (repo.text(relative) or "")[:2000].lower()
        ):
            continue
        try:
            data = json.loads(repo.text(relative) or "")
        except (json.JSONDecodeError, RecursionError):
            continue
        board = data.get("dashboard", data) if isinstance(data, dict) else None
        if isinstance(board, dict) and isinstance(board.get("panels"), list) and board["panels"]:
            found.append(f"{relative}: {len(board['panels'])} panels")
    return found


@item("ops.alerting", "operation", "alert rules and dashboards", points=2)
def alerting(repo: Repository) -> Outcome:
    """Half for alert rules (Prometheus ``alert:`` with ``expr:``, a PrometheusRule, an
    Alertmanager route), half for a dashboard (Grafana JSON with panels)."""
    rules = []
    for relative in repo.matching(MANIFESTS):
        for document in yaml_documents(repo, relative):
            groups = document.get("groups") if isinstance(document, dict) else None
            spec = document.get("spec") if isinstance(document, dict) else None
            if isinstance(spec, dict):
                groups = groups or spec.get("groups")
            for group in groups if isinstance(groups, list) else []:
                for rule in group.get("rules", []) if isinstance(group, dict) else []:
                    if isinstance(rule, dict) and "alert" in rule and "expr" in rule:
                        rules.append(
                            line_of(repo, relative, rf"alert:\s*{re.escape(str(rule['alert']))}")
                        )
    dashboards = _dashboards(repo)
    evidence = [f"alert rule: {r}" for r in rules[:2]] + [f"dashboard: {d}" for d in dashboards[:1]]
    if len(rules) > 2:
        evidence.append(f"{len(rules)} alert rules in all")
    return from_parts(
        {"rules": (0.5, bool(rules)), "dashboard": (0.5, bool(dashboards))},
        evidence,
        "no alert rules and no dashboard",
    )


@item("ops.release", "operation", "canary or A/B releases", points=2)
def release_experiments(repo: Repository) -> Outcome:
    """A canary or A/B release: weighted routing (Istio, Flagger, Argo Rollouts, nginx canary),
    sekit's ``[release]`` check, or an experiment that compares two versions."""
    kinds = _kinds(repo)
    routed = [
        kinds[k] for k in ("VirtualService", "DestinationRule", "Canary", "Rollout") if k in kinds
    ]
    weighted = repo.grep(
        r"^\s*weight\s*:\s*\d+|canary-weight|canary\s*:\s*true", MANIFESTS, limit=2
    )
    sekit = repo.grep(
        r'^\s*mode\s*=\s*"(canary|ab|shadow)"|^\[experiment\]', ("sekit.toml",), limit=1
    )
    code = repo.grep(r"\b(a/?b[-_ ]test|canary|shadow)\b", (*non_test(repo), *("*.md",)), limit=1)
    evidence = [f"routing: {w}" for w in routed[:1]] + [str(h) for h in (weighted + sekit)[:2]]
    if evidence:
        return Outcome("met", evidence)
    if code:
        return Outcome(
            "partial", [f"{code[0]}: mentioned, no weighted routing or release check"], 0.3
        )
    return Outcome(
        "missing", ["no canary or A/B release (weighted routing, `sekit check release`)"]
    )


UI = (
    r"HTMLResponse|render_template|TemplateResponse|<form\b|streamlit|gradio|"
    r"from ['\"](react|vue|svelte)|ReactDOM|createApp\("
)
CALLS = r"(httpx|requests|fetch|axios)\b.*(predict|MODEL_URL|model_url)|MODEL_URL"
BROWSER = r"selenium|playwright|cypress|puppeteer|webdriver"


@item(
    "ops.app", "operation", "an application people use, calling the model, browser-tested", points=3
)
def application(repo: Repository) -> Outcome:
    """An application people use (a page, a form, a front end) that calls the model service
    over HTTP, tested in a browser: a third each."""
    ui = repo.grep(UI, (*non_test(repo), "*.html", "*.jsx", "*.tsx", "*.vue"), limit=1)
    calls = repo.grep(CALLS, non_test(repo), limit=1)
    tested = repo.grep(BROWSER, ("*.py", "*.js", "*.ts", "*.toml", "*.json", "*.cfg"), limit=1)
    evidence = [
        f"{what}: {hits[0]}"
        for what, hits in (("page", ui), ("calls the model", calls), ("browser test", tested))
        if hits
    ]
    parts = {
        "page": (1 / 3, bool(ui)),
        "calls": (1 / 3, bool(calls)),
        "browser": (1 / 3, bool(tested)),
    }
    if not ui:  # a call without a page is a back end: the team's page may be in another repo
        found = {name: (weight, float(present)) for name, (weight, present) in parts.items()}
        reason = "no application: no page or front end calls the model"
        return Outcome("missing", [*evidence, reason], None, found)
    return from_parts(parts, evidence, "")


@item("ops.feedback", "operation", "a feedback loop into training", points=3)
def feedback_loop(repo: Repository) -> Outcome:
    """A feedback endpoint and training code that reads the feedback; half for either."""
    endpoint = repo.grep(r"""["']/feedback|def \w*feedback""", non_test(repo), limit=2)
    reused = repo.grep(
        r"feedback",
        tuple(f for f in sources(repo) if re.search(r"ingest|sanitiz|train|pipeline|feature", f)),
        limit=2,
    )
    evidence = [str(h) for h in (endpoint + reused)[:3]]
    return from_parts(
        {"endpoint": (0.5, bool(endpoint)), "training": (0.5, bool(reused))},
        evidence,
        "no way for feedback from the deployed system to reach training",
    )


ITEMS: tuple[Item, ...] = (
    service,
    application,
    container,
    monitoring,
    alerting,
    release_experiments,
    feedback_loop,
)
