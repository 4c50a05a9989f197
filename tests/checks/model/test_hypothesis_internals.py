"""sekit bounds Hypothesis' shrinking through one internal name; these tests fail the day that
name changes or stops working, instead of the bound silently disappearing."""

from __future__ import annotations

import time
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st

from sekit.checks.model.behaviour.engine import SHRINK_LIMIT, Violation, run_property, shrink_budget


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


def shrunk(budget: float) -> list[int]:
    """The example Hypothesis reports for a property that fails on any nonzero value, where
    every evaluation is slow: a short budget stops the shrink early."""

    def check(values: list[int]) -> int:
        time.sleep(0.01)
        if any(values):
            raise Violation("crash", "nonzero", [0], {"values": list(values)})
        return 1

    def describe(case: Any, violation: Violation) -> list[dict[str, Any]]:
        return [{"values": violation.detail["values"]}]

    outcome = run_property(
        "slow to shrink",
        "crash",
        st.lists(st.integers(0, 10_000), min_size=20, max_size=20),
        check,
        settings(derandomize=True, database=None, max_examples=20, deadline=None),
        describe,
        shrink_seconds=budget,
    )
    assert outcome.finding is not None
    values: list[int] = outcome.finding.evidence["example"][0]["values"]
    return values


def test_the_budget_really_bounds_shrinking() -> None:
    full = shrunk(120.0)
    assert sum(1 for v in full if v) == 1 and max(full) == 1  # fully shrunk: one 1
    cut = shrunk(0.05)
    assert sum(cut) > sum(full)  # stopped early: a bigger example
