"""The statistics of an experiment, on plain arrays (no config, no files): the assignment's
tests and the comparison of two arms.

**The unit is the user.** Assignment is per user, so the users are the independent units:
each user's observations (requests, or labelled requests) are averaged into one value, and
the arms are compared on those values. Treating a heavy user's hundred requests as a hundred
independent observations would make every interval too narrow.

**Assignment.** A user seen in two arms breaks stickiness (and is left out of the
comparison: their exposure is mixed). The users per arm are tested against the planned split
(sample-ratio mismatch, SRM): an exact binomial test for two arms, Pearson's chi-square test
for more. The usual threshold is p < 0.001 (Fabijan et al., KDD 2019): a mismatch means users
were lost or added unevenly (a crash in one arm, a redirect, bots), and then no difference
between the arms can be trusted.

**Difference** (treatment - control, in the metric's own unit):

* every user has one true/false observation (e.g. one labelled answer each): Fisher's exact
  test, and Newcombe's hybrid score interval (method 10, from Wilson intervals), both sound at
  small counts;
* otherwise: Welch's t-test and its interval on the users' means (unequal variances; the
  means of hundreds of users are close to normal even for skewed latencies).

With several treatment arms the p-values are Holm-adjusted and each interval is at level
``1 - alpha / k`` (Bonferroni), so the decisions keep ``alpha`` together.

**Power.** From the interval's half-width ``h`` at level ``alpha``: the minimum detectable
effect at power ``1 - beta`` is ``h * (1 + z_{1-beta} / z_{1-alpha/2})``; the power against
``min_effect`` is ``Phi(min_effect / se - z_{1-alpha/2})`` with ``se = h / z_{1-alpha/2}``; the
users needed, at the planned split, scale with ``(mde / min_effect)^2``.

**Decision**, per treatment arm: ``ship`` (credibly better), ``keep`` (credibly worse: the
treatment harms), ``equivalent`` (the interval lies inside +-``min_effect``),
``inconclusive`` (neither: more users are needed, and how many is said), ``invalid`` (the
assignment is broken: no decision).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Assignment:
    users: dict[str, int]  # sticky users per arm
    unsticky: int  # users seen in more than one arm
    unsticky_examples: list[str]
    expected: dict[str, float]  # planned share per arm
    srm_p: float
    test: str  # how srm_p was computed
    unplanned: list[str]  # arms in the log that the plan does not name

    @property
    def mismatch_share(self) -> dict[str, float]:
        total = sum(self.users.values()) or 1
        return {arm: self.users.get(arm, 0) / total for arm in self.expected}


def assignment(
    pairs: Sequence[tuple[str, str]],
    weights: Mapping[str, float] | None,
    *,
    examples: int = 10,
) -> Assignment:
    """The assignment of users to arms, from (user, arm) pairs (one per observation)."""
    from scipy import stats

    arms_of: dict[str, set[str]] = {}
    for user, arm in pairs:
        arms_of.setdefault(user, set()).add(arm)
    sticky: dict[str, int] = {}
    unsticky = []
    for user, arms in arms_of.items():
        if len(arms) == 1:
            (arm,) = arms
            sticky[arm] = sticky.get(arm, 0) + 1
        else:
            unsticky.append(user)
    seen = sorted({arm for arms in arms_of.values() for arm in arms})
    planned = dict(weights) if weights else {arm: 1 / len(seen) for arm in seen} if seen else {}
    unplanned = [arm for arm in seen if arm not in planned]
    observed = np.array([sticky.get(arm, 0) for arm in planned], dtype=float)
    shares = np.array(list(planned.values()), dtype=float)
    total = int(observed.sum())
    if len(planned) < 2 or total == 0:
        p, test = 1.0, "no test (fewer than two arms)"
    elif len(planned) == 2:
        p = float(stats.binomtest(int(observed[0]), total, float(shares[0])).pvalue)
        test = "exact binomial test"
    else:
        p = float(stats.chisquare(observed, shares * total).pvalue)
        test = "chi-square test"
    # users in an arm the plan does not name are users the split lost
    if unplanned and total:
        p, test = 0.0, f"arms not in the plan: {', '.join(unplanned)}"
    return Assignment(
        users={arm: sticky.get(arm, 0) for arm in sorted(set(planned) | set(seen))},
        unsticky=len(unsticky),
        unsticky_examples=sorted(unsticky)[:examples],
        expected=planned,
        srm_p=p,
        test=test,
        unplanned=unplanned,
    )


@dataclass(frozen=True)
class Arm:
    name: str
    users: int
    observations: int
    mean: float
    low: float  # 95% interval of the arm's mean (over users)
    high: float


@dataclass(frozen=True)
class Comparison:
    treatment: str
    control: str
    difference: float  # treatment - control
    low: float
    high: float
    relative: float | None  # difference / control mean
    p_value: float
    p_adjusted: float
    test: str
    mde: float  # minimum detectable effect at the wanted power
    power: float | None  # power against min_effect
    users_needed: int | None  # total users (all arms, planned split) for the wanted power
    decision: str  # ship | keep | equivalent | inconclusive | invalid


def summarise(name: str, values: np.ndarray, counts: np.ndarray) -> Arm:
    """An arm's users' values: their mean and its 95% interval."""
    from sekit import stats as st

    n = len(values)
    mean = float(np.mean(values)) if n else math.nan
    if n and _single_binary(values, counts):
        low, high = st.wilson(int(values.sum()), n)
    else:
        low, high = st.mean_interval(values) if n >= 2 else (-math.inf, math.inf)
    return Arm(name, n, int(counts.sum()), mean, low, high)


def _single_binary(values: np.ndarray, counts: np.ndarray) -> bool:
    return bool(np.all(counts == 1) and np.all((values == 0) | (values == 1)))


def compare(
    control: tuple[np.ndarray, np.ndarray],
    treatment: tuple[np.ndarray, np.ndarray],
    *,
    level: float,
    power: float,
    min_effect: float | None,
) -> tuple[float, float, float, float, str]:
    """(difference, low, high, p, test) of treatment - control on the users' values, each arm
    given as (values, observations per user); the interval at ``1 - level``."""
    from scipy import stats

    c, c_counts = control
    t, t_counts = treatment
    difference = float(np.mean(t) - np.mean(c))
    if _single_binary(c, c_counts) and _single_binary(t, t_counts):
        from sekit import stats as st

        k1, n1, k0, n0 = int(t.sum()), len(t), int(c.sum()), len(c)
        p = float(stats.fisher_exact([[k1, n1 - k1], [k0, n0 - k0]]).pvalue)
        l1, u1 = st.wilson(k1, n1, confidence=1 - level)
        l0, u0 = st.wilson(k0, n0, confidence=1 - level)
        p1, p0 = k1 / n1, k0 / n0
        low = difference - math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2)
        high = difference + math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2)
        return difference, low, high, min(p, 1.0), "Fisher's exact test, Newcombe interval"
    if np.var(c) == 0 and np.var(t) == 0:  # no spread at all: the difference is exact
        p = 1.0 if difference == 0 else 0.0
        return difference, difference, difference, p, "no variation in either arm"
    tested = stats.ttest_ind(t, c, equal_var=False)
    interval = tested.confidence_interval(confidence_level=1 - level)
    return (
        difference,
        float(interval.low),
        float(interval.high),
        float(tested.pvalue),
        "Welch's t-test on the users' means",
    )


def power_of(
    low: float, high: float, *, level: float, power: float, min_effect: float | None
) -> tuple[float, float | None, float]:
    """(minimum detectable effect, power against min_effect, the ratio by which the users must
    grow for min_effect to be detected at ``power``) from an interval at ``1 - level``."""
    from scipy import stats

    z_a = float(stats.norm.ppf(1 - level / 2))
    z_b = float(stats.norm.ppf(power))
    half = (high - low) / 2
    mde = half * (1 + z_b / z_a)
    if min_effect is None:
        return mde, None, math.nan
    se = half / z_a
    if se == 0:
        return mde, 1.0, 0.0
    achieved = float(stats.norm.cdf(min_effect / se - z_a) + stats.norm.cdf(-min_effect / se - z_a))
    return mde, achieved, (mde / min_effect) ** 2


def decide(
    difference: float,
    low: float,
    high: float,
    p_adjusted: float,
    *,
    alpha: float,
    lower_is_better: bool,
    min_effect: float | None,
) -> str:
    if p_adjusted < alpha and difference != 0:
        better = difference < 0 if lower_is_better else difference > 0
        return "ship" if better else "keep"
    if min_effect is not None and -min_effect < low and high < min_effect:
        return "equivalent"
    return "inconclusive"


def holm(p_values: Sequence[float]) -> list[float]:
    from sekit import stats as st

    return st.holm(p_values)
