"""sekit.stats against scipy's reference implementations and known values."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as scipy_stats

from sekit import stats


def test_benjamini_hochberg_matches_scipy() -> None:
    p = [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216]
    expected = scipy_stats.false_discovery_control(p, method="bh")
    assert stats.benjamini_hochberg(p) == pytest.approx(list(expected))


def test_wilson_interval_known_value() -> None:
    # 8 of 10, 95%: the textbook Wilson interval is 0.490 to 0.943
    low, high = stats.wilson(8, 10)
    assert (round(low, 3), round(high, 3)) == (0.490, 0.943)
    assert stats.wilson(0, 10)[0] == 0.0 and stats.wilson(10, 10)[1] == pytest.approx(1.0)


def test_mcnemar_counts_only_the_rows_where_the_models_differ() -> None:
    deployed = np.array([True] * 90 + [False] * 10)
    candidate = deployed.copy()
    candidate[:12] = False  # lost 12
    candidate[90:92] = True  # won 2
    p, lost, won = stats.mcnemar(candidate, deployed)
    assert (lost, won) == (12, 2)
    assert p == pytest.approx(scipy_stats.binomtest(12, 14, 0.5, alternative="greater").pvalue)
    assert stats.mcnemar(deployed, deployed)[0] == 1.0  # identical answers: no evidence


@pytest.mark.parametrize("size", [8, 30])
def test_small_samples_use_scipys_small_sample_tests(size: int) -> None:
    """scipy's own choice (``method="auto"``): exact where it is exact (KS up to 10,000
    products of sizes, Mann-Whitney up to 8 rows without ties)."""
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=size), rng.normal(0.8, size=size)
    result = stats.numbers(a, b)
    ks = scipy_stats.ks_2samp(a, b, method="auto").pvalue
    mw = scipy_stats.mannwhitneyu(a, b, method="auto").pvalue
    assert result.p_value == pytest.approx(min(1.0, 2 * min(ks, mw)))


def test_the_one_sort_path_agrees_with_scipy_on_large_samples() -> None:
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=5_000), rng.normal(0.05, size=4_000)
    result = stats.numbers(a, b)
    ks = scipy_stats.ks_2samp(a, b)
    mw = scipy_stats.mannwhitneyu(a, b, method="asymptotic")
    assert result.effect == pytest.approx(ks.statistic)
    assert result.p_value == pytest.approx(min(1.0, 2 * min(ks.pvalue, mw.pvalue)), rel=0.05)


def test_paired_bootstrap_sees_a_worse_candidate_and_not_an_equal_one() -> None:
    rng = np.random.default_rng(2)
    deployed = rng.exponential(size=400)
    worse = deployed + rng.normal(0.3, 0.5, size=400)
    assert stats.paired_bootstrap(worse, deployed)[3] < 0.01
    assert stats.paired_bootstrap(deployed, deployed)[3] == 1.0 or (
        stats.paired_bootstrap(deployed, deployed)[3] > 0.4
    )


def test_the_paired_bootstrap_over_entities_is_as_wide_as_the_entities_allow() -> None:
    """Ten entities of 50 rows each, the candidate worse on two of them only: row by row that
    looks certain (500 rows), entity by entity it is two of ten (not certain); a candidate
    worse on every entity is certain either way."""
    import numpy as np

    from sekit.stats import paired_bootstrap

    rng = np.random.default_rng(0)
    entity = np.repeat(np.arange(10), 50)
    deployed = rng.random(500)
    candidate = deployed + np.where(entity < 2, 0.5, 0.0) + rng.normal(0, 0.01, 500)
    _, _, _, rows_p = paired_bootstrap(candidate, deployed)
    _, low, high, entities_p = paired_bootstrap(candidate, deployed, clusters=entity)
    assert rows_p < 0.001
    assert entities_p > 0.01 and low < 0.02 < high
    everywhere = deployed + 0.2 + rng.normal(0, 0.01, 500)
    assert paired_bootstrap(everywhere, deployed, clusters=entity)[3] < 0.001


def test_the_sign_test_counts_only_the_rows_that_differ() -> None:
    baseline = np.zeros(656)
    candidate = baseline.copy()
    candidate[:5] = 0.3  # five users gain, none loses, 651 tie
    p_value, won, lost = stats.sign_test(candidate, baseline)
    assert (won, lost) == (5, 0) and p_value == pytest.approx(1 / 32)
    assert stats.paired_bootstrap(candidate, baseline)[3] < 0.01  # what the sign test guards
    assert stats.sign_test(baseline, baseline) == (1.0, 0, 0)
