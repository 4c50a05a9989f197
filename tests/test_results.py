"""CheckResult, Finding, statuses and severity overrides."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from sekit.results import CheckResult, Finding, Severity, Status, jsonable, status_from
from tests.helpers import finding


@pytest.mark.parametrize(
    ("severities", "status"),
    [
        ([], Status.PASS),
        (["info"], Status.PASS),
        (["info", "warn"], Status.WARN),
        (["warn", "fail", "info"], Status.FAIL),
    ],
)
def test_status_follows_the_worst_finding(severities: list[str], status: Status) -> None:
    assert status_from([finding("outliers", s) for s in severities]) is status


def test_results_are_frozen() -> None:
    result = CheckResult.from_findings(id="data.x", suite="data")
    with pytest.raises(ValidationError):
        result.status = Status.FAIL  # type: ignore[misc]


def test_metrics_are_qualified_with_the_suite_unless_dotted() -> None:
    result = CheckResult.from_findings(
        id="model.behaviour", suite="model", metrics={"accuracy": 0.9, "behaviour.failures": 2}
    )
    assert result.qualified_metrics() == {"model.accuracy": 0.9, "behaviour.failures": 2.0}


def test_non_finite_metrics_become_none() -> None:
    result = CheckResult.from_findings(
        id="data.x", suite="data", metrics={"a": float("nan"), "b": np.float64(np.inf)}
    )
    assert result.metrics == {"a": None, "b": None}


def test_severity_override_lowers_and_recomputes_status() -> None:
    result = CheckResult.from_findings(
        id="data.outliers", suite="data", findings=[finding("outliers", "fail")]
    )
    assert result.status is Status.FAIL
    lowered = result.with_severities({"outliers": Severity.INFO})
    assert lowered.status is Status.PASS
    assert lowered.findings[0].severity is Severity.INFO


def test_severity_override_never_touches_check_errors() -> None:
    result = CheckResult.error(id="data.x", suite="data", message="boom", cause="internal")
    assert result.with_severities({"check_error": Severity.INFO}).status is Status.ERROR
    assert result.findings[0].kind == "check_error"
    assert result.findings[0].severity is Severity.FAIL


def test_skipped_is_not_blocking_but_error_is() -> None:
    assert not CheckResult.skipped(id="data.x", suite="data", reason="no label").status.blocks
    assert CheckResult.error(id="data.x", suite="data", message="m", cause="input").status.blocks


def test_evidence_is_made_json_safe() -> None:
    made = Finding(
        kind="out_of_range",
        severity=Severity.FAIL,
        message="m",
        evidence={
            "rows": np.array([1, 2]),
            "max": np.float32(2.5),
            "values": pd.Series([1.0, math.nan]),
            "n": np.int64(3),
        },
    )
    assert made.evidence == {"rows": [1, 2], "max": 2.5, "values": [1.0, None], "n": 3}


def test_jsonable_handles_nesting_and_unknowns() -> None:
    assert jsonable({"a": (1, {2}), "b": float("inf"), 3: object}) == {
        "a": [1, [2]],
        "b": None,
        "3": str(object),
    }
