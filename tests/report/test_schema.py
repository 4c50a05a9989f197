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


def test_the_published_schema_has_exactly_the_models_fields() -> None:
    """The hand-written schema (with its patterns and descriptions) is compared with the one
    pydantic derives from the report model: a field added to one and not the other fails."""
    from sekit.report.model import GateResult, ProjectInfo
    from sekit.results import CheckResult, Finding, Severity, Status

    defs = SCHEMA["$defs"]
    pairs = {
        "report": (SCHEMA, Report),
        "project": (SCHEMA["properties"]["project"], ProjectInfo),
        "check": (defs["check"], CheckResult),
        "finding": (defs["finding"], Finding),
        "gate": (defs["gate"], GateResult),
    }
    for name, (published, model) in pairs.items():
        derived = model.model_json_schema(mode="serialization")
        assert set(published["properties"]) == set(derived["properties"]), name
        must = {field for field, info in model.model_fields.items() if info.is_required()}
        assert must <= set(published.get("required", [])), name
        assert set(published.get("required", [])) <= set(published["properties"]), name
    assert set(defs["check"]["properties"]["status"]["enum"]) == {s.value for s in Status}
    assert set(defs["finding"]["properties"]["severity"]["enum"]) == {s.value for s in Severity}
    assert set(SCHEMA["properties"]["verdict"]["enum"]) == {"pass", "fail"}
