"""The report as one self-contained HTML file: works offline (inline CSS and SVG, no CDN, no
JavaScript), with pictures where people would rather look than read: gates, latency over time
and percentiles, drift per feature, the confusion matrix and slice metrics, and behaviour
failures with their minimal examples."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sekit.explain import why
from sekit.report import svg
from sekit.report.model import Report
from sekit.results import CheckResult, Finding

TEMPLATES = Path(__file__).parent / "templates"


def _info(check: CheckResult | None, key: str) -> dict[str, Any] | None:
    if check is None:
        return None
    return next(
        (f.evidence for f in check.findings if f.severity.value == "info" and key in f.evidence),
        None,
    )


def _check(report: Report, check_id: str) -> CheckResult | None:
    return next((c for c in report.checks if c.id == check_id), None)


def pictures(report: Report) -> dict[str, str]:
    """SVG pictures by name; a picture is left out when its data is not in the report."""
    out: dict[str, str] = {}
    gates = {g.metric: g for g in report.gates}
    load = _check(report, "load.locust")
    history = _info(load, "history")
    if history and history["history"]:
        rows = history["history"]
        warmup = max((r["t"] for r in rows if r["warmup"]), default=None)
        p95_gate = gates.get("load.p95_ms")
        out["latency"] = svg.lines(
            {
                "p50": [(r["t"], r["p50_ms"]) for r in rows],
                "p95": [(r["t"], r["p95_ms"]) for r in rows],
            },
            x_label="seconds",
            y_label="response time (ms)",
            limit=p95_gate.max if p95_gate else None,
            shade_until=warmup,
        )
        out["throughput"] = svg.lines(
            {"requests/s": [(r["t"], r["rps"]) for r in rows]},
            x_label="seconds",
            y_label="requests per second",
        )
    if load is not None and load.metrics.get("p50_ms") is not None:
        p95_gate = gates.get("load.p95_ms")
        out["percentiles"] = svg.bars(
            [(name, load.metrics[f"{name}_ms"] or 0.0) for name in ("p50", "p95", "p99")],
            limit=p95_gate.max if p95_gate else None,
            unit=" ms",
        )
    drift = _info(_check(report, "data.drift"), "scores")
    if drift:
        for dataset, scores in drift["scores"].items():
            ranked = sorted(scores.items(), key=lambda kv: -kv[1])[:25]
            out[f"drift_{dataset}"] = svg.bars(ranked, limit=drift.get("min_effect"))
    confusion = _info(_check(report, "model.quality"), "matrix")
    if confusion:
        out["confusion"] = svg.heatmap(confusion["labels"], confusion["matrix"])
    slices = _info(_check(report, "model.slices"), "slices")
    if slices:
        out["slices"] = svg.bars(
            [(s["slice"], s["value"]) for s in slices["slices"][:20]], limit=slices.get("overall")
        )
    fairness = _info(_check(report, "model.fairness"), "groups")
    if fairness:
        for column in dict.fromkeys(row["column"] for row in fairness["groups"]):
            rows = [
                r for r in fairness["groups"] if r["column"] == column and r["value"] is not None
            ]
            out[f"fairness_{column}"] = svg.bars(
                [(f"{r['metric']} · {r['group']}", r["value"]) for r in rows],
                intervals=[(max(r["interval"][0], 0.0), r["interval"][1]) for r in rows],
            )
    out.update(_over_time(report))
    return out


def _over_time(report: Report) -> dict[str, str]:
    """Each monitor metric per time window: the value and its 95% interval, the bound, and the
    windows that broke it (red bands). x: hours (or the window's unit) since the first window."""
    from datetime import datetime

    out: dict[str, str] = {}
    for check_id in ("monitor.slo", "monitor.accuracy", "monitor.drift"):
        found = _info(_check(report, check_id), "series")
        if not found:
            continue
        width = float(found.get("window_s") or 3600.0)
        unit, scale = ("hours", 3600.0) if width >= 600 else ("seconds", 1.0)
        for metric, line in found["series"].items():
            points = line["points"]
            if not points:
                continue
            times = [datetime.fromisoformat(p["start"].replace("Z", "+00:00")) for p in points]
            x = [(t - times[0]).total_seconds() / scale for t in times]
            series: dict[str, Sequence[tuple[float, float | None]]] = {
                "value": list(zip(x, [p["value"] for p in points], strict=True))
            }
            if any(p["low"] is not None for p in points):
                series["95% low"] = list(zip(x, [p["low"] for p in points], strict=True))
                series["95% high"] = list(zip(x, [p["high"] for p in points], strict=True))
            out[f"over_time_{metric}"] = svg.lines(
                series,
                x_label=f"{unit} since {points[0]['start']}",
                y_label=metric.split(".", 1)[1],
                limit=line.get("bound"),
                marks=[
                    (x0, x0 + width / scale) for x0, p in zip(x, points, strict=True) if p["broken"]
                ],
            )
    return out


def _failures(report: Report) -> list[Finding]:
    return [
        f
        for c in report.checks
        for f in c.findings
        if f.severity.value == "fail" and "example" in f.evidence
    ]


def render_html(report: Report) -> str:
    import jinja2
    from markupsafe import Markup

    from sekit.provenance import describe

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
    )
    env.filters["why"] = why
    template = env.get_template("report.html.j2")
    drawn = pictures(report)
    return template.render(
        report=report,
        pictures=drawn,
        fair=[name for name in drawn if name.startswith("fairness_")],
        over_time=[name for name in drawn if name.startswith("over_time_")],
        failures=_failures(report),
        blocking=report.blocking(),
        provenance=describe(report.provenance),
        Markup=Markup,
    )
