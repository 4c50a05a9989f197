"""Cold start in the served log: users the training interactions never saw.

Two verdicts, both in ``monitor.recommendations``:

* **answered** (``cold_start``): the unseen users' requests must get a valid list as often as
  the known users' (one-sided Fisher's exact test at ``[monitor].p_value``);
* **made by a language model** (``cold_start_without_llm``, CMU's M1 line "cold start uses an
  LLM"): with ``[monitor.ranking].cold_start_llm`` naming the log's LLM usage field (the
  tokens the LLM endpoint reports, the field ``[monitor.cost].per_1k`` prices), every answered
  request of an unseen user must carry a positive number in it, or at least
  ``min_cold_start_llm`` of them (one-sided exact binomial test, Clopper-Pearson interval).
  The log is what the service did, so a request without usage is one whose list no LLM made.
  Declared but unmeasurable (no training users to tell who is new, no new user in the log, a
  field the log never has) is not measured, which blocks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sekit.checks.context import Context
from sekit.checks.findings import finding, percent
from sekit.checks.model.kinds import COLD_START
from sekit.checks.monitor.settings import Monitor, ServedLists
from sekit.checks.spec import Kind, Metric
from sekit.config.ranking import Ranking
from sekit.ranking import defects, key, parse
from sekit.results import Finding, not_measured

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


def known_users(ctx: Context, column: str) -> set[str] | None:
    """The users of the training interactions, or None when there are none to read."""
    data = ctx.config.data
    if data is None or data.train is None or not data.train.exists():
        return None
    from sekit.subjects.tables import read_table

    frame = read_table(data.train, key="data.train")
    if column not in frame.columns:
        return None
    return {key(user) for user in frame[column].dropna().unique()}


def judge(
    ctx: Context,
    frame: pd.DataFrame,
    status: pd.Series,
    field: str,
    user_field: str,
    ranking: Ranking,
    monitor: Monitor,
    metrics: dict[str, float],
) -> list[Finding]:
    """``cold_start`` and ``cold_start_without_llm`` on the whole log (module docstring)."""
    settings = monitor.ranking or ServedLists()
    known = known_users(ctx, ranking.user)
    if known is None:
        if settings.cold_start_llm is None:
            return []
        return [_unmeasured("the training interactions ([data].train) name no users")]
    users = frame[user_field].map(key)
    lists = frame[field].map(parse)
    ok = ((status >= 200) & (status < 400)).to_numpy() & lists.map(
        lambda ranked: ranked is not None and not defects(ranked, ranking.k)
    ).to_numpy(dtype=bool)
    unseen = ~users.isin(known).to_numpy()
    cold = int(unseen.sum())
    metrics["cold_start_requests"] = float(cold)
    if cold == 0:
        if settings.cold_start_llm is None:
            return []
        return [_unmeasured("no request in the log is for a user the training data never saw")]
    found = _answered(ok, unseen, monitor.p_value, metrics)
    if settings.cold_start_llm is not None:
        found += _llm(frame, ok & unseen, settings, monitor.p_value, metrics)
    return found


def _answered(
    ok: np.ndarray, unseen: np.ndarray, level: float, metrics: dict[str, float]
) -> list[Finding]:
    cold, warm = int(unseen.sum()), int((~unseen).sum())
    cold_ok, warm_ok = int(ok[unseen].sum()), int(ok[~unseen].sum())
    metrics["cold_start_answered"] = cold_ok / cold
    if cold_ok == cold or warm == 0:
        return []
    from scipy import stats

    table = [[cold_ok, cold - cold_ok], [warm_ok, warm - warm_ok]]
    p_value = float(stats.fisher_exact(table, alternative="less").pvalue)
    if p_value >= level:
        return []
    return [
        finding(
            COLD_START,
            "fail",
            f"requests for users the training data never saw got a valid list "
            f"{percent(cold_ok / cold)} of the time ({cold_ok} of {cold}), the others "
            f"{percent(warm_ok / warm)} (Fisher's exact test, p = {p_value:.2g})",
            cold_requests=cold,
            cold_answered=cold_ok,
        )
    ]


def _llm(
    frame: pd.DataFrame,
    answered: np.ndarray,
    settings: ServedLists,
    level: float,
    metrics: dict[str, float],
) -> list[Finding]:
    import pandas as pd
    from scipy import stats

    usage_field = settings.cold_start_llm
    assert usage_field is not None
    if usage_field not in frame.columns:
        return [
            _unmeasured(f"the log has no {usage_field!r} field ([monitor.ranking].cold_start_llm)")
        ]
    n = int(answered.sum())
    if n == 0:
        return [_unmeasured("no request of a new user was answered with a list")]
    usage = pd.to_numeric(frame[usage_field], errors="coerce").to_numpy()[answered]
    made = int((usage > 0).sum())
    share = made / n
    metrics["cold_start_llm_share"] = share
    bound = settings.min_cold_start_llm
    if made == n or share >= bound:
        return []
    interval = stats.binomtest(made, n).proportion_ci(confidence_level=0.95, method="exact")
    told = (
        f"{n - made} of {n} answered requests of users the training data never saw carry no "
        f"LLM usage in {usage_field!r}: {percent(share)} of the new users' lists were made by "
        f"a language model (exact 95% interval {percent(float(interval.low))} to "
        f"{percent(float(interval.high))}), {percent(bound)} must be"
    )
    if bound < 1:
        p_value = float(stats.binomtest(made, n, bound, alternative="less").pvalue)
        if p_value >= level:
            return []
        told += f" (one-sided exact binomial test, p = {p_value:.2g})"
    return [finding(COLD_START_WITHOUT_LLM, "fail", told, answered=n, with_llm=made)]


def _unmeasured(why: str) -> Finding:
    return not_measured(
        f"whether a language model answers new users is not measured: {why}",
        metric="monitor.cold_start_llm_share",
    )


# --- declarations ----------------------------------------------------------------------

COLD_START_WITHOUT_LLM = Kind(
    "cold_start_without_llm",
    "lists for users the training data never saw were served without a language model",
    (
        "A collaborative model has nothing to say about a new user; the service promised that "
        "a language model fills that gap (from the user's profile or first words). The log "
        "shows whether it did: a new user's list without LLM usage came from somewhere else, "
        "usually a silent fallback to the most popular items."
    ),
    "Open the new users' requests without usage: did the LLM call fail, time out, or was it "
    "never made (a cache, a fallback)?",
    "Route every unseen user to the LLM path, log its usage on each answer, and alert on the "
    "fallback.",
    trust=(
        "A count over the log's answered requests of unseen users (a fact of the log) with "
        "min_cold_start_llm = 1; below 1, a one-sided exact binomial test at "
        "[monitor].p_value."
    ),
)
COLD_LLM_SHARE = Metric(
    "monitor.cold_start_llm_share",
    "share of the answered requests of users the training data never saw that carry LLM usage",
    "[monitor.ranking].cold_start_llm names the usage field (tokens); a positive number is an "
    "answer an LLM made.",
    "Below 1: new users got lists no LLM made.",
    "See cold_start_without_llm.",
    gate="min = 1",
)
