"""sekit bounds Hypothesis' shrinking through one internal name; these tests fail the day that
name changes or stops working, instead of the bound silently disappearing."""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st

from sekit.checks.model.behaviour.engine import SHRINK_LIMIT, Violation, run_property, shrink_budget
from sekit.checks.model.behaviour.kinds import CRASH


def test_the_shrink_limit_still_exists() -> None:
    from hypothesis.internal.conjecture import engine

    value = getattr(engine, SHRINK_LIMIT, None)
    assert isinstance(value, int | float) and value > 0, (
        f"hypothesis.internal.conjecture.engine.{SHRINK_LIMIT} is gone: shrink_budget no longer "
        "bounds shrinking; find Hypothesis' new way and update sekit"
    )
    with shrink_budget(1.5) as bounded:
        assert bounded and getattr(engine, SHRINK_LIMIT) == 1.5
    assert getattr(engine, SHRINK_LIMIT) == value


def shrink_calls(budget: float) -> int:
    """How many times Hypothesis calls a slow property after its first failure (the shrink):
    a short budget must cut the shrink short."""
    calls = {"after": 0, "failed": False}

    def check(values: list[int]) -> int:
        time.sleep(0.003)
        if calls["failed"]:
            calls["after"] += 1
        if sum(values) > 10_000:
            calls["failed"] = True
            raise Violation(CRASH, "too large", [0], {"values": list(values)})
        return 1

    def describe(case: Any, violation: Violation) -> list[dict[str, Any]]:
        return [{"values": violation.detail["values"]}]

    outcome = run_property(
        "slow to shrink",
        "crash",
        st.lists(st.integers(0, 1_000), min_size=40, max_size=40),
        check,
        settings(derandomize=True, database=None, max_examples=50, deadline=None),
        describe,
        shrink_seconds=budget,
    )
    assert outcome.finding is not None
    return calls["after"]


@pytest.mark.slow  # shrinks for its whole budget
def test_the_budget_really_bounds_shrinking() -> None:
    full = shrink_calls(120.0)
    cut = shrink_calls(0.05)
    assert full > 100  # left alone, shrinking this property takes many steps
    assert cut < full / 3  # the budget stopped it early
