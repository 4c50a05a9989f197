"""``feedback_loop`` in ``monitor.recommendations`` on simulated logs: a service that narrows
what it serves fails; a steady one passes even when its last period is much quieter than its
first (a raw Gini rise the volumes explain); a log too short for two periods is not measured."""

from __future__ import annotations

import numpy as np

from sekit.checks.monitor.concentration import rise
from tests.checks.monitor.test_served_lists import fails, line, monitor, project, served

CATALOGUE = 400


def lists(count: int, exponent: float, generator: np.random.Generator) -> list[list[int]]:
    """``count`` lists of ten distinct items drawn by a Zipf popularity of ``exponent``
    (higher: more concentrated)."""
    weights = 1 / np.arange(1, CATALOGUE + 1) ** exponent
    weights /= weights.sum()
    return [
        [int(i) for i in generator.choice(CATALOGUE, size=10, replace=False, p=weights)]
        for _ in range(count)
    ]


def log_lines(first: int, last: int, exponents: tuple[float, float], seed: int) -> list[dict]:
    """A 24-hour log: ``first`` lists in its first six hours, 40 in each middle hour, ``last``
    in its last six hours; the popularity's exponent moves from one value to the other."""
    generator = np.random.default_rng(seed)
    out: list[dict] = []
    plan = [(0.0, 360.0, first, exponents[0])]
    plan += [(360.0 + 60 * h, 60.0, 40, exponents[0]) for h in range(12)]
    plan += [(1080.0, 360.0, last, exponents[1])]
    user = 0
    for start, length, count, exponent in plan:
        for index, ranked in enumerate(lists(count, exponent, generator)):
            out.append(line(start + length * (index + 0.5) / count, user % 97, ranked))
            user += 1
    return out


EXTRA = 'reference = "6h"\n[monitor.ranking]\nmax_gini_increase = 0.05\n'


def test_a_narrowing_service_is_a_feedback_loop_and_a_steady_one_is_not(tmp_path):
    config = project(tmp_path, EXTRA)
    served(tmp_path, log_lines(300, 300, (0.6, 1.2), seed=1))
    looped = monitor(config)["monitor.recommendations"]
    assert "feedback_loop" in fails(looped), looped.summary
    assert looped.metrics["item_gini_excess"] > 0.05

    served(tmp_path, log_lines(300, 300, (0.6, 0.6), seed=2))
    steady = monitor(config)["monitor.recommendations"]
    assert "feedback_loop" not in fails(steady), steady.summary
    assert steady.status == "pass", steady.summary


def test_a_quieter_last_period_is_no_loop_though_its_raw_gini_rises():
    generator = np.random.default_rng(3)
    first = [[str(i) for i in r] for r in lists(1500, 0.6, generator)]
    last = [[str(i) for i in r] for r in lists(40, 0.6, generator)]
    measured = rise(first, last)
    assert measured.rise > 0.1  # the volumes alone: a raw bound would have failed it
    assert abs(measured.excess) < 0.05
    assert measured.p_value > 0.05


def test_a_log_shorter_than_two_reference_periods_is_not_measured(tmp_path):
    config = project(tmp_path, 'reference = "1d"\n[monitor.ranking]\nmax_gini_increase = 0.05\n')
    served(tmp_path, log_lines(100, 100, (0.6, 0.6), seed=4))
    result = monitor(config)["monitor.recommendations"]
    assert result.status == "error", result.summary
    assert "not measured" in result.summary


def test_without_a_bound_the_rise_is_reported_not_judged(tmp_path):
    config = project(tmp_path, 'reference = "6h"\n')
    served(tmp_path, log_lines(300, 300, (0.6, 1.2), seed=5))
    result = monitor(config)["monitor.recommendations"]
    assert "feedback_loop" not in fails(result)
    assert any(f.kind == "feedback_loop" and f.severity == "info" for f in result.findings)
