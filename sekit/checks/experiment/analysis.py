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
    srm_p: float | None  # None: no test was possible (fewer than two arms): not measured
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
    p: float | None
    if len(planned) < 2 or total == 0:
        p, test = None, "no test: fewer than two arms"
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


def unmeasured_arms(
    observed: Mapping[str, int], plan: Assignment, control: str, metric: str
) -> dict[str, str]:
    """Why an arm of the run cannot be compared (arm -> reason): a difference needs an
    interval, so the control and every other arm (planned, or seen in the log) need at least
    two users with an observation. The others are not measured, and the check ends error."""
    arms = [control, *sorted((set(plan.expected) | set(plan.users)) - {control})]
    reasons: dict[str, str] = {}
    for arm in arms:
        users, seen = plan.users.get(arm, 0), observed.get(arm, 0)
        role = "the control arm" if arm == control else "arm"
        if seen >= 2:
            continue
        if users == 0:
            share = plan.expected.get(arm)
            planned = f" (planned at {share:.0%})" if share is not None else ""
            reasons[arm] = (
                f"{role} {arm!r}{planned} has no user in the log: the difference is not "
                f"measured" + ("; set [experiment].control" if arm == control else "")
            )
        else:
            reasons[arm] = (
                f"{role} {arm!r} has {seen} user(s) with a {metric} observation (of "
                f"{users} users in it): an interval needs two, so the difference is not measured"
            )
    if len(arms) < 2:
        reasons.setdefault(
            control,
            f"no arm to compare with the control {control!r}: the log has no other arm and "
            "[experiment].weights names none, so no difference is measured",
        )
    return reasons


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


class Unmeasured(Exception):
    """The arms' values cannot measure a difference (raised by :func:`compare`)."""


def compare(
    control: tuple[np.ndarray, np.ndarray],
    treatment: tuple[np.ndarray, np.ndarray],
    *,
    level: float,
    power: float,
    min_effect: float | None,
) -> tuple[float, float, float, float, str]:
    """(difference, low, high, p, test) of treatment - control on the users' values, each arm
    given as (values, observations per user); the interval at ``1 - level``. Raises
    :class:`Unmeasured` when every user of both arms has the same value (not 0 or 1): a
    metric that never varies measures no difference."""
    from scipy import stats

    c, c_counts = control
    t, t_counts = treatment
    difference = float(np.mean(t) - np.mean(c))
    if _single_binary(c, c_counts) and _single_binary(t, t_counts):
        low, high, p = _two_valued(c, t, 0.0, 1.0, level)
        return difference, low, high, p, "Fisher's exact test, Newcombe interval"
    if np.var(c) == 0 and np.var(t) == 0:
        values = sorted({float(c[0]), float(t[0])})
        if len(values) == 1 and values[0] not in (0.0, 1.0):
            raise Unmeasured(
                f"every user of both arms has the value {values[0]:g}: the metric does not vary"
            )
        bottom, top = (values[0], values[-1]) if len(values) == 2 else (0.0, 1.0)
        low, high, p = _two_valued(c, t, bottom, top, level)
        return difference, low, high, p, "Fisher's exact test on the two values, Newcombe interval"
    tested = stats.ttest_ind(t, c, equal_var=False)
    interval = tested.confidence_interval(confidence_level=1 - level)
    return (
        difference,
        float(interval.low),
        float(interval.high),
        float(tested.pvalue),
        "Welch's t-test on the users' means",
    )


def _two_valued(
    control: np.ndarray, treatment: np.ndarray, bottom: float, top: float, level: float
) -> tuple[float, float, float]:
    """(low, high, p) for users whose values are ``bottom`` or ``top``: Fisher's exact test of
    the arms against the two values (the exact permutation test for such data) and Newcombe's
    hybrid score interval of the difference in the share at ``top``, in the metric's unit.

    At small counts Newcombe's interval can exclude no difference where the exact test cannot
    (2 users against 2, all apart: p = 1/3, the interval [0.07, 1] of the shares); the interval
    then claims no more than the test: its end on the side of no difference goes to the
    furthest difference there is. Widening an interval only raises its coverage, and a gate on
    the interval then agrees with the decision."""
    from scipy import stats

    from sekit import stats as st

    k1, n1 = int((treatment == top).sum()), len(treatment)
    k0, n0 = int((control == top).sum()), len(control)
    p = min(float(stats.fisher_exact([[k1, n1 - k1], [k0, n0 - k0]]).pvalue), 1.0)
    l1, u1 = st.wilson(k1, n1, confidence=1 - level)
    l0, u0 = st.wilson(k0, n0, confidence=1 - level)
    p1, p0 = k1 / n1, k0 / n0
    share = p1 - p0
    low = share - math.sqrt((p1 - l1) ** 2 + (u0 - p0) ** 2)
    high = share + math.sqrt((u1 - p1) ** 2 + (p0 - l0) ** 2)
    if p >= level and low > 0:
        low = -1.0
    if p >= level and high < 0:
        high = 1.0
    return low * (top - bottom), high * (top - bottom), p


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
