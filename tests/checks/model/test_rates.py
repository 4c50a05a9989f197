"""Verdicts under non-determinism: pass above the required rate, fail below, flaky between."""

from __future__ import annotations

import pytest

from sekit.checks.model.rates import intraclass, judge


@pytest.mark.parametrize(
    ("per_input", "required", "verdict"),
    [
        ([(3, 3)] * 20, 0.9, "pass"),  # 60 of 60: the interval is above 0.9
        ([(1, 3)] * 20, 0.8, "fail"),  # 20 of 60: below
        ([(2, 3)] * 10 + [(3, 3)] * 10, 0.8, "flaky"),  # 50 of 60 straddles 0.8
        ([(3, 3)] * 5, 1.0, "pass"),  # a rate of 1 is a property: no violation passes
        ([(3, 3)] * 19 + [(2, 3)], 1.0, "fail"),  # and one violation fails
        ([], 0.8, "flaky"),  # nothing observed decides nothing
    ],
)
def test_the_verdict_follows_the_interval(
    per_input: list[tuple[int, int]], required: float, verdict: str
) -> None:
    assert judge(per_input, required, level=0.01).verdict == verdict


def test_a_flaky_verdict_says_how_many_more_trials_decide_it() -> None:
    rate = judge([(5, 6)] * 10, 0.7, level=0.01)  # every input 5 of 6: no clustering
    assert rate.verdict == "flaky" and rate.icc == 0
    assert rate.more is not None and 1 <= rate.more <= 100
    assert "more trial" in rate.advice()
    trials = -(-(6 + rate.more) // 6) * 6  # that many more, rounded up to whole sixths
    assert judge([(5 * trials // 6, trials)] * 10, 0.7, level=0.01).verdict == "pass"


def test_inputs_that_always_or_never_hold_are_one_answer_each() -> None:
    """Answers to one input are not independent: 16 inputs that always hold and 4 that never
    do are worth 20 answers, not 60, and more trials of them cannot decide."""
    clustered = judge([(3, 3)] * 16 + [(0, 3)] * 4, 0.75, level=0.01)
    assert intraclass([(3, 3)] * 16 + [(0, 3)] * 4) == pytest.approx(1.0)
    assert clustered.effective == pytest.approx(20.0)
    independent = judge([(2, 3)] * 4 + [(3, 3)] * 12 + [(2, 3)] * 4 + [(1, 3)] * 4, 0.75,
                        level=0.01)  # fmt: skip
    assert clustered.high - clustered.low > independent.high - independent.low
    assert clustered.verdict == "flaky" and clustered.more is None
    assert "ask more inputs" in clustered.advice()
