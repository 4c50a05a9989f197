"""The HTML report: one offline file, with pictures when the report has their data."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from sekit.checks.data.figures import DriftScores
from sekit.checks.data.kinds import DRIFT
from sekit.checks.load.figures import History
from sekit.checks.load.kinds import LATENCY
from sekit.checks.model.figures import Confusion, Groups, Slices
from sekit.checks.model.kinds import UNFAIR_OUTCOME, WEAK_SLICE
from sekit.checks.model.quality import PERFORMANCE
from sekit.config.schema import Gate
from sekit.gate import evaluate_gates
from sekit.report import ProjectInfo, Report, render
from sekit.report.html import pictures
from sekit.results import CheckResult, Finding, Severity
from tests.report.test_schema import rich_report


def picture_report() -> Report:
    """A report whose checks kept the data of their pictures, as the checks keep it (their
    typed Evidence models)."""
    history = [
        {
            "t": float(t),
            "users": 5,
            "rps": 40.0,
            "failures_per_s": 0.0,
            "p50_ms": 10.0 + t,
            "p95_ms": 30.0 + 2 * t,
            "p99_ms": 50.0,
            "warmup": t < 2,
        }
        for t in range(12)
    ]
    kept = History.model_validate({"history": history, "users": 5, "distribution": {}})
    groups = [
        {
            "column": "sex",
            "group": g,
            "metric": "accuracy",
            "value": v,
            "interval": [v - 0.05, min(v + 0.05, 1.0)],
            "n": 80,
        }
        for g, v in (("female", 0.93), ("male", 0.81))
    ]
    slices = [{"slice": "bmi in (30, 40]", "value": 0.81, "rows": 40, "interval": [0.7, 0.9]}]
    checks = [
        CheckResult.from_findings(
            id="load.locust",
            suite="load",
            findings=[kept.finding(LATENCY, "per second")],
            metrics={"p50_ms": 12, "p95_ms": 40, "p99_ms": 55},
        ),
        CheckResult.from_findings(
            id="data.drift",
            suite="data",
            findings=[
                DriftScores(scores={"test": {"age": 0.04, "bmi": 0.21}}, min_effect=0.1).finding(
                    DRIFT, "effects"
                )
            ],
        ),
        CheckResult.from_findings(
            id="model.quality",
            suite="model",
            findings=[
                Confusion(labels=["benign", "malignant"], matrix=[[100, 7], [3, 61]]).finding(
                    PERFORMANCE, "m"
                )
            ],
        ),
        CheckResult.from_findings(
            id="model.slices",
            suite="model",
            findings=[
                Slices.model_validate({"overall": 0.95, "slices": slices}).finding(WEAK_SLICE, "s")
            ],
        ),
        CheckResult.from_findings(
            id="model.fairness",
            suite="model",
            findings=[
                Groups.model_validate({"groups": groups}).finding(UNFAIR_OUTCOME, "per group")
            ],
        ),
        CheckResult.from_findings(
            id="model.behaviour",
            suite="model",
            findings=[
                Finding(
                    kind="crash",
                    severity=Severity.FAIL,
                    message="no crash: ValueError",
                    evidence={"example": [{"age": 99, "bmi": 54.3}], "detail": {}},
                )
            ],
        ),
    ]
    metrics = {k: v for c in checks for k, v in c.qualified_metrics().items()}
    return Report(
        project=ProjectInfo(name="demo <team>", root="."),
        verdict="fail",
        checks=checks,
        metrics=metrics,
        gates=evaluate_gates(metrics, {"load.p95_ms": Gate(max=35)}),
    )


def test_every_picture_is_drawn_when_its_data_is_there() -> None:
    drawn = pictures(picture_report())
    assert set(drawn) == {
        "latency",
        "throughput",
        "percentiles",
        "drift_test",
        "confusion",
        "slices",
        "fairness_sex",
    }
    for svg in drawn.values():
        ET.fromstring(svg)  # well-formed SVG
    assert "limit 35" in drawn["latency"]  # the gate's bound is drawn
    assert ">61<" in drawn["confusion"]
    assert "bmi in (30, 40]" in drawn["slices"]
    assert "accuracy · male" in drawn["fairness_sex"] and "95% interval" in drawn["fairness_sex"]
    assert "Fairness per group" in render(picture_report(), "html")


def test_the_file_is_self_contained_and_escapes_names() -> None:
    html = render(picture_report(), "html")
    assert html.startswith("<!doctype html>")
    assert not re.search(r"""(src|href)=["']?https?:""", html)
    assert "<script" not in html
    assert "demo &lt;team&gt;" in html
    assert html.count("<svg") == 7
    assert "ValueError" in html and "<td>54.3</td>" in html  # the minimal example
    assert "sekit explain crash" in html


def test_data_that_no_longer_fits_its_picture_is_shown_not_dropped() -> None:
    """A renamed key in a check's kept data is an error in the report, never a chart that
    silently disappears."""
    report = picture_report()
    load = report.checks[0]
    renamed = [
        f.model_copy(update={"evidence": {**f.evidence, "latency_history": f.evidence["history"]}})
        for f in load.findings
    ]
    broken = report.model_copy(
        update={
            "checks": [load.model_copy(update={"findings": tuple(renamed)}), *report.checks[1:]]
        }
    )
    html = render(broken, "html")
    assert "load.locust: its pictures could not be drawn" in html and "latency_history" in html
    assert "latency" not in pictures(broken)


def test_a_report_without_picture_data_still_renders() -> None:
    html = render(rich_report(), "html")
    assert "<svg" not in html
    assert "BLOCKED" in html
