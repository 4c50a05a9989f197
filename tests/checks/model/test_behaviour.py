"""Each behaviour bug is caught with the right kind and a minimal example; a clean model passes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sekit.checks.context import RunOptions
from sekit.config.schema import Config
from sekit.results import CheckResult, Status
from sekit.runner import run_checks
from tests.checks.model.models import BUGS


def behaviour(config: Config) -> CheckResult:
    results = run_checks(config, suites=["model"], options=RunOptions(ci=True))
    return next(r for r in results if r.id == "model.behaviour")


def properties(result: CheckResult) -> dict[str, dict[str, Any]]:
    [info] = [f for f in result.findings if f.severity.value == "info"]
    return {p["kind"]: p for p in info.evidence["properties"]}


def test_a_clean_monotone_model_passes_every_property(
    project: Callable[..., Config], clean: Any
) -> None:
    result = behaviour(project(clean))
    assert result.status is Status.PASS, result.summary
    assert result.metrics["behaviour.failures"] == 0
    assert result.metrics["behaviour.properties"] == 5
    assert result.metrics["behaviour.cases"] > 5_000
    assert all(p["passed"] for p in properties(result).values())


EXPECTED = {  # bug -> (kind, column, what the minimal example must show: row, detail)
    "invariance_violation": (
        "invariance_violation",
        "batch",
        lambda row, detail: 3 in (row["batch"], detail["changed_to"]),
    ),
    "directional_violation": (
        "directional_violation",
        "worst area",
        lambda row, detail: detail["raised_to"] > 2000,
    ),
    "crash": ("crash", None, lambda row, detail: row["mean texture"] > 45),
    "invalid_output": ("invalid_output", None, lambda row, detail: row["worst symmetry"] > 0.5),
    "nondeterminism": ("nondeterminism", None, lambda row, detail: True),
    "unknown_class": ("invalid_output", None, lambda row, detail: row["mean radius"] > 28),
}


ALSO = {"nondeterminism": {"invariance_violation"}}  # a coin flip breaks invariance too


@pytest.mark.slow
@pytest.mark.parametrize("bug", list(BUGS))
def test_the_injected_bug_is_caught_with_a_minimal_example(
    bug: str, project: Callable[..., Config], clean: Any
) -> None:
    kind, column, shows = EXPECTED[bug]
    result = behaviour(project(BUGS[bug](clean)))
    assert result.status is Status.FAIL
    failures = [f for f in result.findings if f.severity.value == "fail"]
    assert kind in [f.kind for f in failures], [f.message for f in failures]
    assert {f.kind for f in failures} - {kind} <= ALSO.get(bug, set())
    failure = next(f for f in failures if f.kind == kind)
    assert failure.column == column
    example = failure.evidence["example"]
    assert 1 <= len(example) <= 5
    assert shows(example[0], failure.evidence["detail"]), (example[0], failure.evidence)
    assert result.metrics["behaviour.failures"] == len(failures)


def test_a_model_of_the_teams_own_making_gets_its_columns_by_name(
    project: Callable[..., Config], clean: Any
) -> None:
    from tests.checks.model.models import TeamStyle

    assert not hasattr(TeamStyle(clean), "feature_names_in_")
    result = behaviour(project(TeamStyle(clean)))
    assert result.status is Status.PASS, result.summary
    assert result.metrics["behaviour.properties"] == 5
    assert all(p["passed"] for p in properties(result).values())


@pytest.mark.slow
@pytest.mark.parametrize("bug", list(BUGS))
def test_every_property_works_on_a_teams_own_model(
    bug: str, project: Callable[..., Config], clean: Any
) -> None:
    from tests.checks.model.models import TeamStyle

    kind, column, _ = EXPECTED[bug]
    result = behaviour(project(TeamStyle(BUGS[bug](clean))))
    failures = [f for f in result.findings if f.severity.value == "fail"]
    assert kind in [f.kind for f in failures], [f.message for f in failures]
    assert next(f for f in failures if f.kind == kind).column == column


@pytest.mark.slow
def test_a_crash_reports_the_exception(project: Callable[..., Config], clean: Any) -> None:
    result = behaviour(project(BUGS["crash"](clean)))
    [failure] = [f for f in result.findings if f.severity.value == "fail"]
    assert "ValueError: texture out of the calibrated range" in failure.message
    assert len(failure.evidence["example"]) == 1


def test_directional_needs_a_numeric_feature(project: Callable[..., Config], clean: Any) -> None:
    config = project(
        clean,
        behaviour='[[behaviour]]\nkind = "directional"\nfeature = "batch"\n'
        'expect = "non-decreasing"\noutput = "proba:7"\n',
    )
    result = behaviour(config)
    assert result.status is Status.ERROR
    assert "the model has no class '7'" in result.summary


def test_unknown_behaviour_feature_is_an_input_error(
    project: Callable[..., Config], clean: Any
) -> None:
    config = project(clean, behaviour='[[behaviour]]\nkind = "invariance"\nfeature = "colour"\n')
    result = behaviour(config)
    assert result.status is Status.ERROR
    assert result.findings[0].evidence["cause"] == "input"
    assert "behaviour[0].feature 'colour' is not a feature of the model" in result.summary
