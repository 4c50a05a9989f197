"""The statistics sekit's verdicts rest on: two-sample tests with effect sizes, multiple-testing
control, confidence intervals, paired comparisons. scipy does the arithmetic; this module
decides which test applies.

* **Numbers**: the two-sample Kolmogorov-Smirnov test (any change of shape) and the
  Mann-Whitney U test (a shift of location, far more powerful against it), combined by
  Bonferroni (twice the smaller p-value). scipy computes exact p-values for small samples.
  The effect size is the KS statistic D (the largest gap between the two CDFs, 0..1): it does
  not grow with the sample, so it still means something at a million rows.
* **Categories**: Fisher's exact test for two levels, else the chi-squared test of the 2 x k
  table, with a Monte Carlo p-value (multivariate hypergeometric draws) when an expected count
  is below 5. The effect size is the total variation distance (0..1).
* **Families** of tests (all features, all dataset pairs) are controlled with
  Benjamini-Hochberg: when nothing changed (every hypothesis true) it bounds the chance of any
  false finding by ``q``, like Holm, and when several features did drift it keeps more power.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

MONTE_CARLO_DRAWS = 20_000  # at most; p-values down to 5e-5
MONTE_CARLO_BATCH = 2_000
MAX_LEVELS = 1_000  # a text column with more distinct values is free text, not a category


@dataclass(frozen=True)
class Comparison:
    """The outcome of comparing two samples."""

    test: str  # "ks+mannwhitney" | "fisher" | "chi2" | "chi2-montecarlo"
    effect: float  # KS D or total variation distance, 0..1
    p_value: float
    reference_n: int
    current_n: int


def numbers(reference: np.ndarray, current: np.ndarray) -> Comparison:
    """Compare two samples of numbers: KS and Mann-Whitney, Bonferroni-combined.

    Small samples (n * m <= 10,000) get scipy's exact tests; larger ones share one sort for
    both statistics (KS with its asymptotic distribution, Mann-Whitney's normal approximation
    with the tie correction), which keeps a million rows fast.
    """
    import numpy as np
    from scipy import stats

    a = np.asarray(reference, dtype="float64")
    b = np.asarray(current, dtype="float64")
    n, m = len(a), len(b)
    if n * m <= 10_000:
        d = float(stats.ks_2samp(a, b, method="auto").statistic)
        p_ks = float(stats.ks_2samp(a, b, method="auto").pvalue)
        same = bool(np.all(a == a[0]) and np.all(b == a[0]))
        p_mw = 1.0 if same else float(stats.mannwhitneyu(a, b, method="auto").pvalue)
    else:
        d, p_ks, p_mw = _one_sort(a, b)
    return Comparison("ks+mannwhitney", d, min(1.0, 2 * min(p_ks, p_mw)), n, m)


def _one_sort(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    import numpy as np
    from scipy import stats

    n, m = len(a), len(b)
    values = np.concatenate([a, b])
    # Any order of equal numbers gives the same statistics (both count whole runs of ties), so
    # the sort need not be stable; NaNs are unequal to each other (each its own step of the
    # distribution functions below), so with NaN the order stays the stable one.
    nan = bool(np.isnan(values).any())
    order = np.argsort(values, kind="stable" if nan else None)
    ordered = values[order]
    from_a = order < n
    last = np.r_[ordered[1:] != ordered[:-1], True]  # the last position of each tied run
    cdf_a = np.cumsum(from_a)[last] / n
    cdf_b = np.cumsum(~from_a)[last] / m
    d = float(np.max(np.abs(cdf_a - cdf_b)))
    p_ks = float(stats.kstwobign.sf(d * np.sqrt(n * m / (n + m))))
    if nan:  # np.unique makes one run of the NaNs
        _, first, tied = np.unique(ordered, return_index=True, return_counts=True)
    else:  # the runs of the sorted values, without sorting them again
        first = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        tied = np.diff(np.r_[first, len(ordered)])
    average = first + (tied + 1) / 2  # average rank of each run of equal values
    ranks = np.repeat(average, tied)
    u = float(ranks[from_a].sum() - n * (n + 1) / 2)
    total = n + m
    variance = n * m / 12 * ((total + 1) - float(np.sum(tied**3 - tied)) / (total * (total - 1)))
    if variance <= 0:
        return d, p_ks, 1.0
    z = (abs(u - n * m / 2) - 0.5) / np.sqrt(variance)
    return d, p_ks, float(min(1.0, 2 * stats.norm.sf(z)))


def counts(reference: np.ndarray, current: np.ndarray, *, seed: int = 0) -> Comparison:
    """Compare two tables of category counts (aligned: the same categories in order)."""
    import numpy as np
    from scipy import stats

    table = np.vstack([reference, current]).astype("int64")
    table = table[:, table.sum(axis=0) > 0]
    rows = table.sum(axis=1)
    n_ref, n_cur = int(rows[0]), int(rows[1])
    if table.shape[1] < 2 or n_ref == 0 or n_cur == 0:
        return Comparison("chi2", 0.0, 1.0, n_ref, n_cur)
    shares = table / rows[:, None]
    distance = float(0.5 * np.abs(shares[0] - shares[1]).sum())
    if table.shape[1] == 2:
        p_value = float(stats.fisher_exact(table).pvalue)
        return Comparison("fisher", distance, p_value, n_ref, n_cur)
    expected = np.outer(rows, table.sum(axis=0)) / table.sum()
    if expected.min() >= 5:
        p_value = float(stats.chi2_contingency(table, correction=False).pvalue)
        return Comparison("chi2", distance, p_value, n_ref, n_cur)
    return Comparison(
        "chi2-montecarlo", distance, _monte_carlo(table, expected, seed), n_ref, n_cur
    )


def _monte_carlo(table: np.ndarray, expected: np.ndarray, seed: int) -> float:
    """The chi-squared test's p-value by simulation: tables with the same margins, drawn from
    the multivariate hypergeometric distribution (exact for any expected count)."""
    import numpy as np

    def statistic(first_rows: np.ndarray) -> np.ndarray:
        second = table.sum(axis=0) - first_rows
        observed = np.stack([first_rows, second], axis=-2)
        total: np.ndarray = np.sum((observed - expected) ** 2 / expected, axis=(-2, -1))
        return total

    rng = np.random.default_rng(seed)
    observed = statistic(table[0])
    extreme = done = 0
    while done < MONTE_CARLO_DRAWS:  # batches; stop once the p-value is clearly not small
        draws = rng.multivariate_hypergeometric(
            table.sum(axis=0), int(table[0].sum()), size=MONTE_CARLO_BATCH
        )
        extreme += int(np.sum(statistic(draws) >= observed - 1e-9))
        done += MONTE_CARLO_BATCH
        if extreme >= 50:
            break
    return (extreme + 1) / (done + 1)


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (a hypothesis is rejected at level q when its
    adjusted p-value is at most q)."""
    m = len(p_values)
    if m == 0:
        return []
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [1.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        index = order[rank - 1]
        running = min(running, p_values[index] * m / rank)
        adjusted[index] = min(1.0, running)
    return adjusted


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values (the family-wise error rate: the chance of any false
    rejection in the family stays below the level)."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [1.0] * m
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted


def quantile_interval(
    values: np.ndarray, q: float, *, confidence: float = 0.95
) -> tuple[float, float]:
    """A distribution-free interval for the ``q`` quantile from order statistics (exact
    binomial coverage of at least ``confidence``; an open end where the sample is too small)."""
    import numpy as np
    from scipy import stats

    ordered = np.sort(np.asarray(values, dtype="float64"))
    n = len(ordered)
    if n == 0:
        return -math.inf, math.inf
    tail = (1 - confidence) / 2
    lower = int(stats.binom.ppf(tail, n, q))  # P(X < lower) <= tail: the lower'th value
    upper = int(stats.binom.ppf(1 - tail, n, q)) + 1
    low = float(ordered[lower - 1]) if lower >= 1 else -math.inf
    high = float(ordered[upper - 1]) if upper <= n else math.inf
    return low, high


def wilson(successes: float, trials: float, *, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval of a proportion (sound at small counts and at 0 or 1). The
    counts may be effective ones (fractional: clustered observations, :mod:`sekit.checks.model.
    rates`)."""
    from scipy import stats

    if trials == 0:
        return 0.0, 1.0
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    share = successes / trials
    centre = (share + z * z / (2 * trials)) / (1 + z * z / trials)
    half = z * math.sqrt(share * (1 - share) / trials + z * z / (4 * trials * trials))
    half /= 1 + z * z / trials
    return max(0.0, centre - half), min(1.0, centre + half)


def mean_interval(values: np.ndarray, *, confidence: float = 0.95) -> tuple[float, float]:
    """A t interval for a mean (errors of a slice in regression)."""
    import numpy as np
    from scipy import stats

    n = len(values)
    if n < 2:
        return -math.inf, math.inf
    mean = float(np.mean(values))
    error = float(np.std(values, ddof=1)) / math.sqrt(n)
    t = float(stats.t.ppf(0.5 + confidence / 2, n - 1))
    return mean - t * error, mean + t * error


def mcnemar(candidate_right: np.ndarray, deployed_right: np.ndarray) -> tuple[float, int, int]:
    """McNemar's exact test that the candidate is *worse* than the deployed model on the same
    rows: (one-sided p-value, rows only the deployed got right, rows only the candidate got
    right)."""
    import numpy as np
    from scipy import stats

    lost = int(np.sum(deployed_right & ~candidate_right))
    won = int(np.sum(candidate_right & ~deployed_right))
    if lost + won == 0:
        return 1.0, lost, won
    p_value = float(stats.binomtest(lost, lost + won, 0.5, alternative="greater").pvalue)
    return p_value, lost, won


def sign_test(candidate: np.ndarray, baseline: np.ndarray) -> tuple[float, int, int]:
    """The exact sign test that the candidate scores *higher* than the baseline on the same
    rows: (one-sided p-value, rows it won, rows it lost); tied rows say nothing.

    A bootstrap of the mean difference calls a handful of rows that differ, all one way, a
    credible gain (five of 656 users: p < 0.01); here five wins and no loss is p = 1/32.
    """
    import numpy as np
    from scipy import stats

    difference = np.asarray(candidate, dtype="float64") - np.asarray(baseline, dtype="float64")
    won, lost = int(np.sum(difference > 0)), int(np.sum(difference < 0))
    if won + lost == 0:
        return 1.0, won, lost
    return float(stats.binomtest(won, won + lost, 0.5, alternative="greater").pvalue), won, lost


def paired_bootstrap(
    candidate: np.ndarray,
    deployed: np.ndarray,
    *,
    draws: int = 2_000,
    seed: int = 0,
    clusters: np.ndarray | None = None,
) -> tuple[float, float, float, float]:
    """Mean loss difference (candidate - deployed) of paired per-row losses, with a 95%
    bootstrap interval and the one-sided p-value that the candidate is worse.

    With ``clusters`` (an entity code per row: rows of one person or firm are not independent)
    whole clusters are resampled, so the interval is as wide as the number of entities allows.
    """
    import numpy as np

    difference = np.asarray(candidate, dtype="float64") - np.asarray(deployed, dtype="float64")
    n = len(difference)
    if n == 0:
        return 0.0, 0.0, 0.0, 1.0
    rng = np.random.default_rng(seed)
    if clusters is not None:
        _, codes = np.unique(np.asarray(clusters), return_inverse=True)
        sums = np.bincount(codes, weights=difference)
        sizes = np.bincount(codes).astype("float64")
        k = len(sums)
        means = np.empty(draws)
        for start in range(0, draws, 250):  # in blocks: memory stays small for many entities
            stop = min(start + 250, draws)
            picked = rng.integers(0, k, size=(stop - start, k))
            means[start:stop] = sums[picked].sum(axis=1) / sizes[picked].sum(axis=1)
    else:
        means = difference[rng.integers(0, n, size=(draws, n))].mean(axis=1)
    low, high = (float(v) for v in np.quantile(means, [0.025, 0.975]))
    p_value = float((np.sum(means <= 0) + 1) / (draws + 1))
    return float(difference.mean()), low, high, p_value


def quantile_ratio(
    candidate: Sequence[float],
    deployed: Sequence[float],
    *,
    q: float = 95,
    draws: int = 2_000,
    seed: int = 0,
) -> tuple[float | None, tuple[float, float]]:
    """The ratio of the ``q``-th percentiles of two samples (a new and a deployed model's
    latencies) with a 95% bootstrap interval; each sample is resampled on its own (they may be
    independent, as in a canary)."""
    import numpy as np

    if len(candidate) < 2 or len(deployed) < 2:
        return None, (0.0, math.inf)
    new = np.asarray(candidate, dtype="float64")
    old = np.asarray(deployed, dtype="float64")
    floor = 1e-3  # a 0 ms p95 (a mocked service) must not divide by zero
    ratio = float(max(np.percentile(new, q), floor) / max(np.percentile(old, q), floor))
    rng = np.random.default_rng(seed)
    ratios = np.empty(draws)
    for start in range(0, draws, 250):  # in blocks: memory stays small for long runs
        stop = min(start + 250, draws)
        a = np.percentile(new[rng.integers(0, len(new), (stop - start, len(new)))], q, axis=1)
        b = np.percentile(old[rng.integers(0, len(old), (stop - start, len(old)))], q, axis=1)
        ratios[start:stop] = np.maximum(a, floor) / np.maximum(b, floor)
    low, high = (float(v) for v in np.quantile(ratios, [0.025, 0.975]))
    return ratio, (low, high)


def compare(
    reference: pd.Series, current: pd.Series, *, declared: str | None = None
) -> Comparison | None:
    """Test whether ``current`` is distributed like ``reference`` (two columns: the data
    suite's and the monitor's drift); None if not testable (dates, declared free text, free text
    of more than :data:`MAX_LEVELS` values, fewer than two values on a side)."""
    import pandas as pd

    from sekit.subjects.types import is_number, is_text, looks_categorical

    if declared in ("datetime", "string") or pd.api.types.is_datetime64_any_dtype(reference.dtype):
        return None
    ref = reference.dropna()
    cur = current.dropna()
    if len(ref) < 2 or len(cur) < 2:
        return None
    categorical = declared in ("category", "bool") or not is_number(ref) or looks_categorical(ref)
    if categorical:
        if is_text(ref) and ref.nunique() > MAX_LEVELS:
            return None
        table = pd.concat(
            [ref.astype(str).value_counts(), cur.astype(str).value_counts()], axis=1
        ).fillna(0)
        return counts(table.iloc[:, 0].to_numpy(), table.iloc[:, 1].to_numpy())
    if not is_number(cur):
        return None
    return numbers(ref.to_numpy(dtype="float64"), cur.to_numpy(dtype="float64"))
