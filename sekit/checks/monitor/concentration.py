"""How concentrated the served items become: the feedback loop of a recommender, judged.

A recommender retrained on what it served narrows what it serves. The served log shows it as
the items' Gini coefficient rising from the start of the log to its end. The raw rise is not
the verdict: a Gini over the items served moves with the number of lists it is computed on (a
short period serves fewer distinct items), so two periods of different volume differ with no
loop at all. The rise is judged with a permutation test whose null is built from the log in
hand: the lists of the reference period (the log's first ``[monitor].reference``) and of its
last period of the same length are pooled and re-dealt to two periods of the original sizes,
999 times, and the Gini rise is computed on each deal. The *excess* is the observed rise minus
the median rise of the deals (the part the two periods' volumes explain is taken out); it is a
``feedback_loop`` when it is above ``[monitor.ranking].max_gini_increase`` and the permutation
p-value is below ``[monitor].p_value``. The catalogue of both Gini coefficients is the items
served in either period, so an item that stopped being served counts as a zero.

Lists of one user are not independent of each other, and a period's lists are not a random
sample of anything: the test asks whether the last period's lists could be the first period's
re-dealt, which is what a loop that did not narrow anything would look like.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sekit.checks.findings import finding
from sekit.checks.monitor import served as sv
from sekit.checks.spec import Kind, Metric
from sekit.results import Finding, not_measured

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

DEALS = 999
"""Permutations of the test: the smallest p-value it can give is 1/1000."""

MIN_LISTS = 30
"""Lists each period needs before its Gini is compared (fewer: not measured)."""


@dataclass(frozen=True)
class Rise:
    """The Gini of the first and the last period, the rise, the excess over the deals'
    median rise and the permutation p-value."""

    first: float
    last: float
    excess: float
    p_value: float
    first_lists: int
    last_lists: int

    @property
    def rise(self) -> float:
        return self.last - self.first


def gini_of(counts: np.ndarray) -> float:
    """The Gini coefficient of one count per catalogue item (zeros included)."""
    import numpy as np

    values = np.sort(counts.astype("float64"))
    n, total = len(values), float(values.sum())
    if n == 0 or total == 0:
        return 0.0
    weighted = float((np.arange(1, n + 1) * values).sum())
    return 2 * weighted / (n * total) - (n + 1) / n


def rise(first: list[list[str]], last: list[list[str]], *, seed: int = 0) -> Rise:
    """The Gini rise from ``first`` to ``last`` and its permutation test (module docstring)."""
    import numpy as np

    codes: dict[str, int] = {}
    owner: list[int] = []
    item: list[int] = []
    for index, ranked in enumerate([*first, *last]):
        for served_item in ranked:
            owner.append(index)
            item.append(codes.setdefault(served_item, len(codes)))
    owners, items = np.asarray(owner), np.asarray(item)
    lists, catalogue = len(first) + len(last), len(codes)

    def rise_of(in_last: np.ndarray) -> float:
        slot_last = in_last[owners]
        before = np.bincount(items[~slot_last], minlength=catalogue)
        after = np.bincount(items[slot_last], minlength=catalogue)
        return gini_of(after) - gini_of(before)

    observed_split = np.zeros(lists, dtype=bool)
    observed_split[len(first) :] = True
    observed = rise_of(observed_split)
    generator = np.random.default_rng(seed)
    deals = np.empty(DEALS)
    for deal in range(DEALS):
        deals[deal] = rise_of(generator.permutation(observed_split))
    p_value = (1 + int((deals >= observed).sum())) / (DEALS + 1)
    before = np.bincount(items[~observed_split[owners]], minlength=catalogue)
    after = np.bincount(items[observed_split[owners]], minlength=catalogue)
    return Rise(
        first=gini_of(before),
        last=gini_of(after),
        excess=observed - float(np.median(deals)),
        p_value=p_value,
        first_lists=len(first),
        last_lists=len(last),
    )


def periods(
    answered: pd.DataFrame, lists: pd.Series, length: float
) -> tuple[list[list[str]], list[list[str]]] | None:
    """The valid lists of the log's first ``length`` seconds and of its last, or None when the
    log is shorter than two such periods (they would overlap)."""
    import pandas as pd

    times = answered["_time"]
    if times.empty:
        return None
    start, end = times.min(), times.max()
    span = pd.Timedelta(seconds=length)
    if end - start < 2 * span:
        return None
    first = lists[(times < start + span).to_numpy()]
    last = lists[(times > end - span).to_numpy()]
    return [r for r in first if r], [r for r in last if r]


def judge(
    answered: pd.DataFrame,
    lists: pd.Series,
    *,
    reference: float,
    bound: float | None,
    level: float,
    metrics: dict[str, float],
) -> list[Finding]:
    """``feedback_loop`` (fail) when the last period's Gini credibly rose by more than
    ``bound`` over the first's; without a bound the rise is reported (info). A bound the log
    cannot measure (too short, too few lists) is not measured, which blocks."""
    split = periods(answered, lists, reference)
    if split is None or min(len(split[0]), len(split[1])) < MIN_LISTS:
        if bound is None:
            return []
        why = (
            f"the log spans less than two reference periods of {sv.span(reference)}"
            if split is None
            else f"{len(split[0])} and {len(split[1])} valid lists in the first and last "
            f"{sv.span(reference)}, {MIN_LISTS} are needed in each"
        )
        return [
            not_measured(
                f"the feedback loop is not measured: {why} ([monitor].reference sets the period)",
                metric="monitor.item_gini_excess",
            )
        ]
    measured = rise(*split)
    metrics["item_gini_rise"] = measured.rise
    metrics["item_gini_excess"] = measured.excess
    told = (
        f"served items' Gini {measured.first:.3f} in the first {sv.span(reference)} "
        f"({measured.first_lists} lists), {measured.last:.3f} in the last "
        f"({measured.last_lists}): {measured.excess:+.3f} beyond what the periods' volumes "
        f"explain (permutation test, {DEALS} deals, p = {measured.p_value:.3g})"
    )
    evidence: dict[str, Any] = {
        "gini_first": round(measured.first, 6),
        "gini_last": round(measured.last, 6),
        "excess": round(measured.excess, 6),
        "p_value": measured.p_value,
    }
    if bound is None:
        return [finding(FEEDBACK_LOOP, "info", f"{told}; no bound set", **evidence)]
    if measured.excess > bound and measured.p_value < level:
        return [
            finding(
                FEEDBACK_LOOP,
                "fail",
                f"{told}, above the bound of {bound:g} ([monitor.ranking].max_gini_increase)",
                bound=bound,
                **evidence,
            )
        ]
    return []


# --- declarations ----------------------------------------------------------------------

FEEDBACK_LOOP = Kind(
    "feedback_loop",
    "the served items became more concentrated from the log's first period to its last",
    (
        "A recommender trained on the interactions it caused serves its popular items more "
        "and more: users see a narrower catalogue, new items never get the exposure that would "
        "make them popular, and the model learns from its own choices instead of the users'."
    ),
    "Compare the first and last periods' most served items; which retraining came between?",
    (
        "Add exploration (a share of slots for items outside the top), diversify the "
        "candidates, retrain on interactions the service did not cause, or down-weight them."
    ),
    trust=(
        "A permutation test on the log in hand: the two periods' lists re-dealt 999 times, "
        "the rise's excess over the deals' median against the bound and p below "
        "[monitor].p_value. Measured on simulated logs (tests/checks/monitor/"
        "test_feedback_loop.py): see docs/explanation/trust.md."
    ),
)
GINI_EXCESS = Metric(
    "monitor.item_gini_excess",
    "the served items' Gini rise from the log's first [monitor].reference to its last, minus "
    "the rise the two periods' volumes explain",
    "A positive excess: the service serves a narrower catalogue than it did (a feedback loop).",
    "See feedback_loop.",
    "See feedback_loop.",
    gate="max = 0.05",
)
