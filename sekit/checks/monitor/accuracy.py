"""``monitor.accuracy``: how right the served predictions were, from the feedback that came back.

The feedback store (``[monitor].feedback``: the scaffold's SQLite table ``feedback`` with
``request_id`` and ``label``, or a CSV / JSON-lines file with ``request_id`` and ``label`` or
the ``[data].label`` column) is joined with the prediction log on the request id; each labelled
request counts in the window in which it was *served*. With ``[model].sensitive`` columns in the
log, ``model.fairness``'s per-group rates and tests run on the labelled requests of the whole
period (finding ``unfair_outcome``). Per window: accuracy (classification,
Wilson interval, exact binomial test against ``[monitor].min_accuracy``) or mean absolute error
(regression, t interval, one-sided t-test against ``[monitor].max_mae``). Few labels in a
window give a wide interval and a large p-value: they never break the bound alone.

**A drop needs no bound** (:mod:`.reference`): every later window is also compared with the
first day's windows, so a collapse is found with no bound set; a bound, where one is set, is
judged as well.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from sekit.checks.context import Context
from sekit.checks.findings import finding, outcome, percent, worst_summary
from sekit.checks.kinds import INVALID_LOG_LINES
from sekit.checks.model.figures import Groups
from sekit.checks.model.kinds import UNFAIR_OUTCOME
from sekit.checks.monitor import reference
from sekit.checks.monitor import served as sv
from sekit.checks.monitor.fairness import groups_on_feedback
from sekit.checks.monitor.figures import AccuracyWindows, figures_of
from sekit.checks.monitor.kinds import ACCURACY_DROP
from sekit.checks.monitor.served import Point, Series
from sekit.checks.monitor.settings import Monitor
from sekit.checks.spec import CheckSpec, Metric, MltsClaim
from sekit.config.schema import Config
from sekit.errors import InputError
from sekit.results import Finding, Outcome
from sekit.subjects.feedback import as_labels, read_feedback

if TYPE_CHECKING:
    import pandas as pd


def needs_feedback(config: Config) -> str | None:
    if config.model is not None and config.model.task == "ranking":
        return "a ranking model: its served lists are judged by monitor.recommendations"
    monitor = config.table(Monitor)
    if monitor is None or (monitor.feedback is None and monitor.prometheus is None):
        return "no [monitor].feedback store of true labels (nor a Prometheus server)"
    return None


def check_accuracy(ctx: Context) -> Outcome:
    import pandas as pd

    from sekit import stats

    monitor = sv.settings(ctx)
    url = sv.prometheus_url(ctx)
    if monitor.feedback is None and url is not None:
        return _from_prometheus(ctx, url)
    reason = sv.no_log_reason(ctx)
    if reason is not None:
        return Outcome.skipped(reason=reason)
    assert monitor.feedback is not None
    label = ctx.config.data.label if ctx.config.data is not None else None
    task = ctx.config.model.task if ctx.config.model is not None else "classification"
    frame = sv.served(ctx)
    field = sv.prediction_field(ctx, frame)
    if field is None or field not in frame.columns:
        raise InputError(
            frame.attrs["source"],
            f"the log has no prediction field {field!r}: set [monitor].prediction",
            key="monitor.prediction",
        )
    if monitor.request_id not in frame.columns:
        raise InputError(
            frame.attrs["source"],
            f"the log has no {monitor.request_id!r} field to join the feedback on",
            key="monitor.request_id",
        )
    labels = read_feedback(monitor.feedback, label)
    labels = pd.DataFrame({"_rid": labels["request_id"].astype(str), "_truth": labels["label"]})
    keyed = frame.assign(_rid=frame[monitor.request_id].astype(str))
    joined = keyed.merge(labels, on="_rid", how="inner")
    if joined.empty:
        return _unlabelled(f"{len(frame)} requests in {frame.attrs['source']}")
    if task == "regression":
        series, total, errors = _mae_series(
            joined, field, monitor.max_mae or _gate(ctx, "model.mae", "max")
        )
        unit: Any = _number
        what = "mean absolute error"
        drop = reference.error_drops(ctx, errors)
    else:
        bound = monitor.min_accuracy or _gate(ctx, "model.accuracy", "min")
        series = Series("monitor.accuracy", bound, "min")
        right = as_labels(joined[field]) == as_labels(joined["_truth"])
        counted = []
        for start, rows in joined.groupby("_window", sort=True):
            n, k = len(rows), int(right[rows.index].sum())
            low, high = stats.wilson(k, n)
            p = sv.below(k, n, bound) if bound is not None else 1.0
            series.points.append(Point(sv.iso(start), n, k / n, low, high, p))
            counted.append((start, n, k))
        total = float(right.mean()) if len(joined) else None
        unit, what = percent, "accuracy on feedback"
        drop = reference.accuracy_drops(ctx, counted)
    coverage = len(joined) / len(frame) if len(frame) else 0.0
    fair = groups_on_feedback(ctx, joined, field) if task == "classification" else ([], [])
    return _verdict(
        ctx,
        series,
        total,
        unit,
        what,
        len(joined),
        coverage,
        len(frame),
        fair,
        drop,
        warned=sv.invalid_lines(frame),
    )


def _unlabelled(served: str) -> Outcome:
    """No served request has a label yet: like a log that does not exist yet, there is
    nothing to judge (skipped, never a pass: a gate on the accuracy blocks)."""
    return Outcome.skipped(
        reason=f"no served request has a feedback label yet ({served}): accuracy is not judged",
    )


def _from_prometheus(ctx: Context, url: str) -> Outcome:
    """Classification accuracy from the feedback counters (``model_feedback_total``,
    ``model_feedback_correct_total``)."""
    from sekit import stats
    from sekit.checks.monitor.prometheus import feedback_counts

    if ctx.config.model is not None and ctx.config.model.task == "regression":
        return Outcome.skipped(
            reason="regression errors are read from the feedback store, not from Prometheus",
        )
    bound = sv.settings(ctx).min_accuracy or _gate(ctx, "model.accuracy", "min")
    series = Series("monitor.accuracy", bound, "min")
    labelled = right = 0
    counted = feedback_counts(ctx, url)
    if not counted:
        return _unlabelled(f"Prometheus {url}")
    for start, n, k in counted:
        low, high = stats.wilson(k, n)
        p = sv.below(k, n, bound) if bound is not None else 1.0
        series.points.append(Point(start, n, k / n, low, high, p))
        labelled, right = labelled + n, right + k
    total = right / labelled if labelled else None
    drop = reference.accuracy_drops(ctx, list(counted))
    return _verdict(
        ctx, series, total, percent, "accuracy on feedback", labelled, None, None, drop=drop
    )


def _verdict(
    ctx: Context,
    series: Series,
    total: float | None,
    unit: Any,
    what: str,
    labelled: int,
    coverage: float | None,
    served: int | None,
    fair: tuple[list[Finding], list[dict[str, Any]]] = ([], []),
    drop: reference.Drop | None = None,
    *,
    warned: list[Finding] | None = None,
) -> Outcome:
    monitor = sv.settings(ctx)
    findings: list[Finding] = list(fair[0])
    if drop is not None and drop.broken:
        findings.append(reference.drop_finding(drop, series.metric, what, unit, monitor))
    broken = series.judge(monitor.p_value)
    if broken:
        findings.append(
            finding(
                ACCURACY_DROP,
                "fail",
                sv.first_broken_message(series, broken, what, unit, monitor.window),
                metric=series.metric,
                first_window=broken[0].start,
                broken_windows=[p.start for p in broken],
                bound=series.bound,
                against="bound",
            )
        )
    clean = (
        f"{labelled} of {served} served requests have feedback ({percent(coverage)})"
        if served is not None and coverage is not None
        else f"{labelled} requests have feedback"
    )
    clean += (f"; {what} {unit(total)}" if total is not None else "") + (
        " within the bound" if series.bound is not None else ""
    )
    if drop is not None:
        clean += (
            f"; no window worse than the first {sv.span(monitor.reference)} "
            f"({unit(drop.reference_value)} over {drop.reference_n})"
        )
    elif series.bound is None:
        clean += " (no bound set, and too few windows with labels to compare with the first)"
    findings += warned or []
    kept = AccuracyWindows.model_validate(
        {
            "series": {series.metric: series.shown()},
            "window_s": monitor.window,
            "labelled": labelled,
        }
    )
    findings.append(kept.finding(ACCURACY_DROP, f"{what} per window"))
    if fair[1]:
        findings.append(
            Groups.model_validate({"groups": fair[1]}).finding(
                UNFAIR_OUTCOME, "per-group metrics on feedback"
            )
        )
    metrics: dict[str, float] = {"labelled": float(labelled)}
    if coverage is not None:
        metrics["feedback_share"] = coverage
    if total is not None and math.isfinite(total):
        metrics[series.metric.split(".", 1)[1]] = float(total)
    key = series.metric.split(".", 1)[1]
    bounded = {key: f"{series.bound:g}"} if series.bound is not None else None
    return outcome(findings, worst_summary(findings, clean), metrics, bounded=bounded)


def _number(value: float) -> str:
    return f"{value:.3g}"


def _gate(ctx: Context, metric: str, side: str) -> float | None:
    gate = ctx.config.gates.get(metric)
    return getattr(gate, side) if gate is not None else None


def _mae_series(
    joined: pd.DataFrame, field: str, bound: float | None
) -> tuple[Series, float | None, list[tuple[Any, Any]]]:
    import numpy as np
    from scipy import stats as scipy_stats

    from sekit import stats

    series = Series("monitor.mae", bound, "max")
    errors = (joined[field].astype(float) - joined["_truth"].astype(float)).abs()
    windows = []
    for start, rows in joined.groupby("_window", sort=True):
        values = errors[rows.index].to_numpy(dtype="float64")
        windows.append((start, values))
        low, high = stats.mean_interval(values)
        p = 1.0
        if bound is not None and len(values) >= 2 and np.std(values) > 0:
            p = float(scipy_stats.ttest_1samp(values, bound, alternative="greater").pvalue)
        series.points.append(Point(sv.iso(start), len(values), float(values.mean()), low, high, p))
    return series, float(errors.mean()) if len(errors) else None, windows


# --- declarations ----------------------------------------------------------------------

ACCURACY = Metric(
    "monitor.accuracy",
    "accuracy of the served predictions that received a feedback label (classification)",
    "Feedback labels joined with the prediction log on the request id.",
    "The model's accuracy as users meet it; compare with model.accuracy on the test set.",
    "Collect more feedback if few requests are labelled; retrain when it falls.",
    gate="min = 0.9",
)
MAE = Metric(
    "monitor.mae",
    "mean absolute error of the served predictions that received a feedback label (regression)",
    "Feedback labels joined with the prediction log on the request id.",
    "The model's error as users meet it; compare with model.mae on the test set.",
    "Collect more feedback if few requests are labelled; retrain when it grows.",
)

ACCURACY_CHECK = CheckSpec(
    id="monitor.accuracy",
    title="accuracy of the served predictions per time window, from the feedback labels",
    func=check_accuracy,
    emits="`accuracy_drop` (a window credibly worse than the first day's windows by "
    "[monitor].max_accuracy_drop, or credibly below [monitor].min_accuracy), "
    "`unfair_outcome` (a real gap between the groups of a [model].sensitive column on the "
    "requests with feedback), fail; `invalid_log_lines` (warn); skipped until a served "
    "request has a label",
    kinds=(ACCURACY_DROP, UNFAIR_OUTCOME, INVALID_LOG_LINES),
    metrics=(ACCURACY, MAE),
    settings=(
        "[monitor].feedback",
        "[monitor].min_accuracy",
        "[monitor].max_mae",
        "[monitor].reference",
        "[monitor].max_accuracy_drop",
        "[monitor].max_mae_increase",
    ),
    requires=needs_feedback,
    mlts=(
        MltsClaim(
            "monitor-7",
            "'the model has not experienced a regression in prediction quality on served "
            "data' (accuracy on the feedback labels, per window)",
        ),
    ),
    figures=figures_of(AccuracyWindows),
)
