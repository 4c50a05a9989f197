"""``monitor.online_ranking``: how good the served lists were, from what the users did next.

The offline measures of ``model.ranking`` (precision, recall, NDCG and hit rate at k), online:
each answered list of the log (user u, served at t) is scored against the items u interacted
with in the feedback (``[monitor.ranking].feedback``, e.g. the watch events of CMU's stream)
during ``(t, t + horizon]``, relevant as ``[model.ranking]`` says (``min_relevance``). A list
served less than a horizon before the last feedback is left out: its users have not had the
time to answer it, and counting it would pull every measure down at the end of the log.

The measures are reported for gates and per window, not judged against the offline ones: a
user watches what the service showed, so the online numbers are higher than offline ones by
construction, and the size of that effect is the service's, not a fault (CMU M2 asks for the
online measure, not for a bound).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sekit.checks.context import Context
from sekit.checks.findings import finding, outcome
from sekit.checks.kinds import CHECK_ERROR
from sekit.checks.monitor import served as sv
from sekit.checks.monitor.recommendations import needs_lists
from sekit.checks.monitor.settings import Monitor, ServedLists
from sekit.checks.spec import CheckSpec, Kind, Metric
from sekit.config.ranking import Ranking
from sekit.errors import InputError
from sekit.ranking import defects, key, parse, scores
from sekit.results import Outcome

if TYPE_CHECKING:
    import pandas as pd

MEASURES = {
    "precision": "online_precision_at_k",
    "recall": "online_recall_at_k",
    "ndcg": "online_ndcg_at_k",
    "hit": "online_hit_rate_at_k",
}

History = dict[str, tuple[list[float], list[str]]]  # user -> (times, items), oldest first


def needs_feedback(config: Any) -> str | None:
    reason = needs_lists(config)
    if reason is not None:
        return reason
    monitor = config.table(Monitor)
    if monitor is None or monitor.ranking is None or monitor.ranking.feedback is None:
        return "no [monitor.ranking].feedback of what users did after they were served"
    return None


def _seconds(values: pd.Series, path: Path, column: str) -> pd.Series:
    """Times as seconds since the epoch: numbers are taken as such (MovieLens), text as ISO."""
    import pandas as pd

    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.notna().all():
        return numbers.astype("float64")
    times = pd.to_datetime(values, utc=True, errors="coerce", format="ISO8601")
    if times.isna().any():
        raise InputError(path, f"{column!r} holds values that are neither epoch seconds nor ISO")
    return (times - pd.Timestamp(0, tz="UTC")).dt.total_seconds()


def read_history(path: Path, ranking: Ranking) -> tuple[History, float]:
    """Each user's relevant interactions in time order, and the time of the last one."""
    from sekit.subjects.tables import read_table

    frame = read_table(path, key="monitor.ranking.feedback")
    column = ranking.timestamp or "timestamp"
    for needed in (ranking.user, ranking.item, column, ranking.relevance):
        if needed is not None and needed not in frame.columns:
            raise InputError(
                path,
                f"the feedback has no {needed!r} column: name it in [model.ranking] "
                "(user, item, timestamp, relevance)",
                key="monitor.ranking.feedback",
            )
    if frame.empty:
        raise InputError(path, "the feedback holds no interaction", key="monitor.ranking.feedback")
    times = _seconds(frame[column], path, column)
    last = float(times.max())
    if ranking.relevance is not None and ranking.min_relevance is not None:
        import pandas as pd

        relevance = pd.to_numeric(frame[ranking.relevance], errors="coerce")
        kept = relevance >= ranking.min_relevance
        frame, times = frame[kept], times[kept]
    history: History = {}
    order = times.sort_values(kind="stable").index
    for user, item, moment in zip(
        frame.loc[order, ranking.user], frame.loc[order, ranking.item], times[order], strict=True
    ):
        moments, items = history.setdefault(key(user), ([], []))
        moments.append(float(moment))
        items.append(key(item))
    return history, last


def check_online_ranking(ctx: Context) -> Outcome:
    reason = sv.no_log_reason(ctx)
    if reason is not None:
        return Outcome.skipped(reason=reason)
    import numpy as np
    import pandas as pd

    monitor = sv.settings(ctx)
    lists_settings = monitor.ranking or ServedLists()
    assert lists_settings.feedback is not None  # needs_feedback
    model = ctx.config.model
    ranking = model.ranked if model is not None and model.task == "ranking" else Ranking()
    k, horizon = ranking.k, lists_settings.horizon
    history, last = read_history(lists_settings.feedback, ranking)
    frame = sv.served(ctx)
    field = sv.prediction_field(ctx, frame) or "prediction"
    if field not in frame.columns or lists_settings.user not in frame.columns:
        return Outcome.error(
            message=f"the log ({frame.attrs['source']}) has no {field!r} or "
            f"{lists_settings.user!r} field: set [monitor].prediction and [monitor.ranking].user",
            cause="input",
        )
    status = (
        pd.to_numeric(frame[monitor.status], errors="coerce")
        if monitor.status in frame.columns
        else pd.Series(200.0, index=frame.index)
    )
    answered = frame[(status >= 200) & (status < 400)]
    moments = (answered["_time"] - pd.Timestamp(0, tz="UTC")).dt.total_seconds()
    rows: list[tuple[Any, dict[str, float]]] = []
    waiting = 0
    for window, moment, user, answer in zip(
        answered["_window"], moments, answered[lists_settings.user], answered[field], strict=True
    ):
        ranked = parse(answer)
        if ranked is None or defects(ranked, k):
            continue  # monitor.recommendations fails these; they have no rank to score
        if moment + horizon > last:
            waiting += 1
            continue
        times, items = history.get(key(user), ([], []))
        later = set(items[bisect_right(times, moment) : bisect_left(times, moment + horizon)])
        measured = scores(ranked, later, k)
        rows.append((window, {m: float(getattr(measured, m)) for m in MEASURES}))
    if not rows:
        message = (
            f"online ranking not measured: none of the {len(answered)} answered lists has a "
            f"full horizon ({sv.span(horizon)}) of feedback after it ({waiting} still wait)"
        )
        return outcome([finding(CHECK_ERROR, "fail", message, cause="unmeasured")], message)
    values = pd.DataFrame([measured for _, measured in rows])
    windows = pd.Series([window for window, _ in rows])
    metrics = {name: float(values[m].mean()) for m, name in MEASURES.items()}
    metrics["online_lists"] = float(len(rows))
    series = [
        {
            "start": sv.iso(start),
            "lists": len(group),
            "hit_rate": round(group["hit"].mean(), 6),
        }
        for start, group in values.groupby(windows.to_numpy(), sort=True)
    ]
    shown = (
        f"hit rate@{k} {metrics['online_hit_rate_at_k']:.3f}, NDCG@{k} "
        f"{metrics['online_ndcg_at_k']:.3f}, precision@{k} "
        f"{metrics['online_precision_at_k']:.3f}"
    )
    summary = (
        f"{shown} over {len(rows)} served lists, against what the users did within "
        f"{sv.span(horizon)} ({waiting} served later wait for their feedback)"
    )
    share = float(np.mean(values["hit"] > 0))
    note = finding(ONLINE_RANKING, "info", summary, windows=series, lists_with_a_hit=share)
    return outcome([note], summary, metrics)


ONLINE_RANKING = Kind(
    "online_ranking",
    "how good the served lists were, by what the users did next (info)",
    (
        "Offline measures on a split of old interactions promise; the users' answers to the "
        "lists actually served are what the service delivered."
    ),
    "Read the hit rate per window in the finding; compare with model.ranking offline.",
    "A falling hit rate: retrain on newer interactions, look for drift in the users.",
    trust="Counts over the log joined with the feedback: facts, for the lists with a full "
    "horizon of feedback after them.",
)
_ONLINE = "Mean over the served lists that have a full horizon of feedback after them."
ONLINE_HIT_RATE = Metric(
    "monitor.online_hit_rate_at_k",
    "hit rate@k online: the share of served lists of which the user took an item within the "
    "horizon",
    _ONLINE,
    "Compare with model.hit_rate_at_k offline: far below it, the offline split flatters.",
    "See model.ranking.",
    gate="min = 0.1",
)
ONLINE_NDCG = Metric(
    "monitor.online_ndcg_at_k",
    "NDCG@k online: the served lists' hits within the horizon, weighted by their rank",
    _ONLINE,
    "Falling window after window: the model is getting stale.",
    "Retrain on the newer interactions.",
)
ONLINE_PRECISION = Metric(
    "monitor.online_precision_at_k",
    "precision@k online: the share of a served list's items the user took within the horizon",
    _ONLINE,
    "As for the hit rate.",
    "As for the hit rate.",
)
ONLINE_RECALL = Metric(
    "monitor.online_recall_at_k",
    "recall@k online: the share of what the user took within the horizon that the list held",
    _ONLINE,
    "Low when users find most of what they take elsewhere (search, browsing).",
    "As for the hit rate.",
)

ONLINE_RANKING_CHECK = CheckSpec(
    id="monitor.online_ranking",
    title="served lists scored against what the users did next (online precision, "
    "recall, NDCG, hit rate @k)",
    func=check_online_ranking,
    emits="online precision@k, recall@k, NDCG@k and hit rate@k for the gates; "
    "`online_ranking` (info) with the hit rate per window; not measured (error) when no "
    "served list has a full horizon of feedback after it",
    kinds=(ONLINE_RANKING,),
    metrics=(ONLINE_HIT_RATE, ONLINE_NDCG, ONLINE_PRECISION, ONLINE_RECALL),
    requires=needs_feedback,
    settings=(
        "[monitor.ranking].feedback",
        "[monitor.ranking].horizon",
        "[model.ranking]",
    ),
)
