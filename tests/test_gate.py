"""Gate evaluation and the verdict, fail-closed cases first."""

from __future__ import annotations

import math

import pytest

from sekit.config.schema import Gate
from sekit.gate import collect_metrics, evaluate_gates, verdict
from sekit.results import CheckResult
from tests.helpers import finding


def gates(**bounds: dict[str, float]) -> dict[str, Gate]:
    return {name.replace("__", "."): Gate(**b) for name, b in bounds.items()}


def passing(metrics: dict[str, float]) -> CheckResult:
    return CheckResult.from_findings(id="data.stub", suite="data", metrics=metrics)


@pytest.mark.parametrize(
    ("value", "bound", "passed"),
    [
        (0.9, {"min": 0.85}, True),
        (0.85, {"min": 0.85}, True),
        (0.84, {"min": 0.85}, False),
        (200.0, {"max": 200}, True),
        (200.1, {"max": 200}, False),
        (0.5, {"min": 0.0, "max": 1.0}, True),
        (1.5, {"min": 0.0, "max": 1.0}, False),
    ],
)
def test_bounds(value: float, bound: dict[str, float], passed: bool) -> None:
    [result] = evaluate_gates({"model.accuracy": value}, {"model.accuracy": Gate(**bound)})
    assert result.passed is passed
    assert result.value == value
    assert (result.reason == "") is passed


def test_a_gated_metric_that_was_not_produced_blocks() -> None:
    [result] = evaluate_gates({"model.accuracy": 0.9}, gates(load__p95_ms={"max": 200}))
    assert not result.passed
    assert result.value is None
    assert "not produced by this run" in result.reason
    assert "the load checks did not run" in result.reason


def test_a_misspelt_gated_metric_blocks_and_suggests() -> None:
    [result] = evaluate_gates({"model.accuracy": 0.9}, gates(model__acuracy={"min": 0.5}))
    assert not result.passed
    assert "did you mean 'model.accuracy'?" in result.reason


@pytest.mark.parametrize("value", [None, math.nan, math.inf, -math.inf])
@pytest.mark.parametrize("bound", [{"min": 0.5}, {"max": 0.5}, {"min": -1.0, "max": 1.0}])
def test_a_metric_that_was_not_measured_blocks(
    value: float | None, bound: dict[str, float]
) -> None:
    [result] = evaluate_gates({"model.accuracy": value}, gates(model__accuracy=bound))
    assert not result.passed
    assert result.reason.startswith("not measured")


def test_verdict_fail_closed_cases() -> None:
    ok = passing({"rows": 10})
    failed = CheckResult.from_findings(id="data.x", suite="data", findings=[finding("drift")])
    errored = CheckResult.error(id="data.y", suite="data", message="m", cause="timeout")
    warned = CheckResult.from_findings(
        id="data.z", suite="data", findings=[finding("outliers", "warn")]
    )
    skipped = CheckResult.skipped(id="data.s", suite="data", reason="n/a")
    missed = evaluate_gates({}, gates(data__rows={"min": 1}))
    met = evaluate_gates({"data.rows": 10}, gates(data__rows={"min": 1}))
    assert verdict([ok], []) == "pass"
    assert verdict([ok, warned, skipped], met) == "pass"
    assert verdict([ok, failed], met) == "fail"
    assert verdict([ok, errored], met) == "fail"
    assert verdict([ok], missed) == "fail"
    assert verdict([skipped], []) == "fail"  # nothing was checked
    assert verdict([], []) == "fail"


def test_first_producer_of_a_metric_wins() -> None:
    first = CheckResult.from_findings(id="data.a", suite="data", metrics={"rows": 1})
    second = CheckResult.from_findings(id="data.b", suite="data", metrics={"rows": 2})
    assert collect_metrics([first, second]) == {"data.rows": 1.0}


def test_a_gate_with_a_bound_that_is_not_finite_never_passes() -> None:
    from sekit.config.schema import Gate
    from sekit.gate import evaluate_gates

    for bound in (float("nan"), float("inf"), float("-inf")):
        smuggled = Gate.model_construct(min=bound, max=None)  # past validation
        [result] = evaluate_gates({"model.accuracy": 0.5}, {"model.accuracy": smuggled})
        assert not result.passed
        assert "not a finite number" in result.reason
