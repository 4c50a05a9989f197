"""Reports validate against the published JSON Schema (report.schema.json)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

import sekit.report
from sekit.config.schema import Gate
from sekit.gate import evaluate_gates
from sekit.report import ProjectInfo, Report, to_json
from sekit.results import CheckResult
from tests.helpers import finding

SCHEMA = json.loads((Path(sekit.report.__file__).parent / "report.schema.json").read_text())


def rich_report() -> Report:
    checks = [
        CheckResult.from_findings(
            id="data.missing_values",
            suite="data",
            metrics={"missing_ratio": 0.0, "weird": float("nan")},
        ),
        CheckResult.from_findings(
            id="model.quality",
            suite="model",
            metrics={"accuracy": 0.91},
            findings=[finding("weak_slice", "warn", column="color")],
        ),
        CheckResult.error(
            id="load.locust", suite="load", message="service never came up", cause="input"
        ),
        CheckResult.skipped(id="data.label_drift", suite="data", reason="no label"),
    ]
    metrics = {k: v for c in checks for k, v in c.qualified_metrics().items()}
    gates = evaluate_gates(
        metrics, {"model.accuracy": Gate(min=0.85), "load.p95_ms": Gate(max=200)}
    )
    return Report(
        project=ProjectInfo(name="demo", root="/x"),
        verdict="fail",
        checks=checks,
        metrics=metrics,
        gates=gates,
    )


def test_report_json_matches_the_schema() -> None:
    document = json.loads(to_json(rich_report()))
    jsonschema.validate(document, SCHEMA)
    assert document["metrics"]["data.weird"] is None


@pytest.mark.parametrize(
    "breakage",
    [
        lambda d: d.update(verdict="maybe"),
        lambda d: d["checks"][0].update(status="passed"),
        lambda d: d["checks"][1]["findings"][0].update(severity="critical"),
        lambda d: d.pop("gates"),
        lambda d: d["gates"][0].pop("passed"),
    ],
)
def test_the_schema_rejects_broken_reports(breakage: object) -> None:
    document = json.loads(to_json(rich_report()))
    breakage(document)  # type: ignore[operator]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, SCHEMA)
