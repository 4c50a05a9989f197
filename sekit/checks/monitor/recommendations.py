"""``monitor.recommendations``: what a recommendation service served, from its log.

Each answered request's list (the log's ``prediction``: a JSON list, or item ids separated by
commas) is read with :mod:`sekit.ranking`. Over the whole log:

* **output invariants**: no answered list is empty, repeats an item, or holds more than k items
  (``invalid_output``, fail: each is a fact of one line);
* **personalisation**: the share of users whose latest list is their own (at most
  ``[model.ranking].max_popular_overlap`` of it among the k items served most often), judged
  against ``min_personalised`` with a one-sided exact binomial test (``not_personalised``,
  fail); too few users to show the bound is missed even with no personal list is not measured;
* **cold start**: requests for users the training interactions never saw must be answered
  with a list as often as the others' (Fisher's exact test, one-sided; ``cold_start``, fail),
  and, when ``[monitor.ranking].cold_start_llm`` names the log's LLM usage field, their
  answers made by a language model (:mod:`sekit.checks.monitor.cold_start`;
  ``cold_start_without_llm``, fail);
* **floods**: the most requests one user made in one ``[monitor].window``, judged against
  ``[monitor.ranking].max_user_requests`` when set (``request_flood``, fail);
* **concentration**: how unequally the catalogue's items were served (Gini) and the share of
  served slots the ten most served items took, per window, reported (the number moves with the
  volume of a window); the feedback loop, the Gini's rise from the log's first
  ``[monitor].reference`` to its last, judged against
  ``[monitor.ranking].max_gini_increase`` with a permutation test
  (:mod:`sekit.checks.monitor.concentration`; ``feedback_loop``, fail).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from sekit.checks.context import Context
from sekit.checks.findings import finding, outcome, percent, worst_summary
from sekit.checks.kinds import CHECK_ERROR
from sekit.checks.model.behaviour.kinds import INVALID_OUTPUT
from sekit.checks.model.kinds import COLD_START, NOT_PERSONALISED
from sekit.checks.monitor import cold_start, concentration
from sekit.checks.monitor import served as sv
from sekit.checks.monitor.settings import Monitor, ServedLists
from sekit.checks.spec import CheckSpec, Kind, Metric
from sekit.config.ranking import Ranking
from sekit.ranking import defects, gini, key, parse, personal, popular_items
from sekit.results import Finding, Outcome

if TYPE_CHECKING:
    import pandas as pd


def needs_lists(config: Any) -> str | None:
    monitor = config.table(Monitor)
    ranking = config.model is not None and config.model.task == "ranking"
    if monitor is None or (monitor.ranking is None and not ranking):
        return 'not a recommendation service ([model].task = "ranking" or [monitor.ranking])'
    return None


def check_recommendations(ctx: Context) -> Outcome:
    reason = sv.no_log_reason(ctx)
    if reason is not None:
        return Outcome.skipped(reason=reason)
    import pandas as pd

    monitor = sv.settings(ctx)
    lists_settings = monitor.ranking or ServedLists()
    model = ctx.config.model
    ranking = model.ranked if model is not None and model.task == "ranking" else Ranking()
    frame = sv.served(ctx)
    source = frame.attrs["source"]
    field = sv.prediction_field(ctx, frame) or "prediction"
    user_field = lists_settings.user
    for needed in (field, user_field):
        if needed not in frame.columns:
            return Outcome.error(
                message=f"the log ({source}) has no {needed!r} field: set [monitor].prediction "
                "and [monitor.ranking].user",
                cause="input",
            )
    status = (
        pd.to_numeric(frame[monitor.status], errors="coerce")
        if monitor.status in frame.columns
        else pd.Series(200.0, index=frame.index)
    )
    answered = frame[(status >= 200) & (status < 400)]
    lists = answered[field].map(parse)
    users = answered[user_field].map(key)
    k = ranking.k
    findings: list[Finding] = []
    metrics: dict[str, float] = {"served_lists": float(len(lists))}
    findings += _invariants(lists, users, k, metrics)
    valid = lists.map(lambda ranked: ranked is not None and not defects(ranked, k))
    findings += _personalisation(lists[valid], users[valid], ranking, monitor.p_value, metrics)
    findings += cold_start.judge(ctx, frame, status, field, user_field, ranking, monitor, metrics)
    findings += _floods(frame, user_field, lists_settings, metrics)
    findings.append(_concentration(answered, lists, metrics))
    findings += concentration.judge(
        answered[valid.to_numpy()],
        lists[valid],
        reference=monitor.reference,
        bound=lists_settings.max_gini_increase,
        level=monitor.p_value,
        metrics=metrics,
    )
    summary = worst_summary(
        findings,
        f"{len(lists)} served lists ({source}): all valid, "
        f"{percent(metrics.get('personalised_share', 0.0))} of users personal",
    )
    return outcome(findings, summary, metrics)


def _invariants(
    lists: pd.Series, users: pd.Series, k: int, metrics: dict[str, float]
) -> list[Finding]:
    problems = [
        (user, ["not a list of items"] if ranked is None else defects(ranked, k))
        for user, ranked in zip(users, lists, strict=True)
    ]
    bad = [(user, found) for user, found in problems if found]
    metrics["invalid_lists"] = float(len(bad))
    if not bad:
        return []
    return [
        finding(
            INVALID_OUTPUT,
            "fail",
            f"{len(bad)} of {len(lists)} answered requests served no valid list: "
            + "; ".join(f"user {u}: {', '.join(p)}" for u, p in bad[:3]),
            users=[u for u, _ in bad[:5]],
        )
    ]


def smallest_users(bound: float, level: float) -> int:
    """Users needed before a service with no personal list at all is credibly below ``bound``
    (``(1 - bound)^n < level``)."""
    if bound <= 0:
        return 1
    if bound >= 1:
        return 1
    return math.floor(math.log(level) / math.log(1 - bound)) + 1


def _personalisation(
    lists: pd.Series, users: pd.Series, ranking: Ranking, level: float, metrics: dict[str, float]
) -> list[Finding]:
    latest: dict[str, list[str]] = {}
    for user, ranked in zip(users, lists, strict=True):
        latest[user] = ranked  # the log is in time order: the last list wins
    if not latest:
        return []
    common = set(popular_items(latest.values(), ranking.k))
    mine = sum(personal(r, common, ranking.max_popular_overlap) for r in latest.values())
    n = len(latest)
    share = mine / n
    metrics["personalised_share"] = share
    metrics["served_users"] = float(n)
    bound = ranking.min_personalised
    needed = smallest_users(bound, level)
    if n < needed and share < bound:
        return [
            finding(
                CHECK_ERROR,
                "fail",
                f"personalisation not measured: {n} users in the log, {needed} are needed "
                f"before a share below {percent(bound)} can be shown",
                cause="unmeasured",
                metric="monitor.personalised_share",
            )
        ]
    from scipy import stats

    p_value = float(stats.binom.cdf(mine, n, bound))
    if share >= bound or p_value >= level:
        return []
    return [
        finding(
            NOT_PERSONALISED,
            "fail",
            f"{mine} of {n} users ({percent(share)}) got a list of their own (at most "
            f"{percent(ranking.max_popular_overlap)} of it among the {ranking.k} items served "
            f"most often); at least {percent(bound)} must (exact binomial test, "
            f"p = {p_value:.2g})",
            personalised_share=share,
            users=n,
            bound=bound,
        )
    ]


def _floods(
    frame: pd.DataFrame, user_field: str, settings: ServedLists, metrics: dict[str, float]
) -> list[Finding]:
    counts = frame.groupby(["_window", frame[user_field].map(key)]).size()
    if counts.empty:
        return []
    busiest: tuple[Any, str] = counts.idxmax()  # type: ignore[assignment]
    window, user = busiest
    most = int(counts.max())
    metrics["max_user_requests"] = float(most)
    bound = settings.max_user_requests
    if bound is None or most <= bound:
        return []
    over = counts[counts > bound]
    return [
        finding(
            REQUEST_FLOOD,
            "fail",
            f"user {user} made {most} requests in the window starting {sv.iso(window)}, above "
            f"{bound} per window; {len(over)} user-windows broke the bound",
            user=user,
            window=sv.iso(window),
            requests=most,
        )
    ]


def _concentration(answered: pd.DataFrame, lists: pd.Series, metrics: dict[str, float]) -> Finding:
    from collections import Counter

    def measured(group: pd.Series) -> tuple[float, float]:
        counts: Counter[str] = Counter()
        for ranked in group:
            if ranked:
                counts.update(ranked)
        slots = sum(counts.values())
        top = sum(count for _, count in counts.most_common(10))
        return gini(list(counts.values())), (top / slots if slots else 0.0)

    overall = measured(lists)
    metrics["item_gini"], metrics["top_items_share"] = overall
    series = [
        {"start": sv.iso(start), "gini": round(g, 6), "top_items_share": round(t, 6)}
        for start, group in lists.groupby(answered["_window"], sort=True)
        for g, t in [measured(group)]
    ]
    return finding(
        ITEM_CONCENTRATION,
        "info",
        f"served items: Gini {overall[0]:.3f} over the items served, the ten most served take "
        f"{percent(overall[1])} of the slots",
        windows=series,
    )


# --- declarations ----------------------------------------------------------------------

REQUEST_FLOOD = Kind(
    "request_flood",
    "one user made more requests in a window than the service allows",
    (
        "A scraper, a bot or an attack sends far more requests than a person; it distorts the "
        "telemetry the team learns from (popularity, feedback) and can starve other users."
    ),
    "Look up the user's requests in the window the finding names.",
    "Rate-limit per user; leave flooded windows out of retraining data.",
    trust="A count per user and window: a fact of the log.",
)
ITEM_CONCENTRATION = Kind(
    "item_concentration",
    "how unequally the catalogue was served, per window (info)",
    (
        "A recommender trained on what it served narrows what it serves (a feedback loop): a "
        "rising concentration is the telemetry that shows it."
    ),
    "Compare the windows' Gini and top-ten share in the report.",
    "Add exploration; diversify the candidates; retrain on interactions it did not cause.",
)
PERSONALISED_SERVED = Metric(
    "monitor.personalised_share",
    "share of the log's users whose latest list is their own",
    "A list is personal when at most max_popular_overlap of it are among the k items served "
    "most often.",
    "Near 0: the service gives everyone the same list.",
    "See not_personalised.",
    gate="min = 0.1",
)
COLD_ANSWERED = Metric(
    "monitor.cold_start_answered",
    "share of requests for users the training data never saw that got a valid list",
    "Users outside [data].train's user column.",
    "Below the others' share: new users meet errors.",
    "See cold_start.",
    gate="min = 0.99",
)
MAX_USER_REQUESTS = Metric(
    "monitor.max_user_requests",
    "the most requests one user made in one [monitor].window",
    "Compare with what one person can do in a window.",
    "Far above the median user: a bot or an attack.",
    "See request_flood.",
)
ITEM_GINI = Metric(
    "monitor.item_gini",
    "Gini coefficient of how often each served item was served (0 equal, 1 one item)",
    "Over the whole log; per window in the report.",
    "Rising over time: a feedback loop narrows what users see.",
    "See item_concentration.",
)

RECOMMENDATIONS_CHECK = CheckSpec(
    id="monitor.recommendations",
    title="served lists: valid, personal, answered for new users, no floods, concentration",
    func=check_recommendations,
    emits="`invalid_output`, `not_personalised`, `cold_start`, `request_flood`, "
    "`feedback_loop`, `cold_start_without_llm`, fail; `item_concentration` (info)",
    kinds=(
        REQUEST_FLOOD,
        ITEM_CONCENTRATION,
        concentration.FEEDBACK_LOOP,
        INVALID_OUTPUT,
        NOT_PERSONALISED,
        COLD_START,
        cold_start.COLD_START_WITHOUT_LLM,
    ),
    metrics=(
        PERSONALISED_SERVED,
        COLD_ANSWERED,
        MAX_USER_REQUESTS,
        ITEM_GINI,
        concentration.GINI_EXCESS,
        cold_start.COLD_LLM_SHARE,
    ),
    requires=needs_lists,
    settings=(
        "[monitor.ranking]",
        "[model.ranking]",
        "[monitor].prediction",
        "[monitor].reference",
    ),
    section=("[monitor.ranking]", ServedLists),
)
