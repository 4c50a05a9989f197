"""``monitor.drift``: did the served inputs, or the predictions, move away from training, and when?

Per window, each feature of the served requests is compared with the training data by the
tests of ``data.drift`` (:func:`sekit.stats.compare`: Kolmogorov-Smirnov for
numbers, Fisher / chi-squared for categories), and the served predictions with the model's
predictions on the training inputs (when ``[model]`` loads: a model that predicts the minority
class twice as often as it did in training shows here before any label comes back). Every test
of every window is one family, adjusted with Holm at ``[data.drift].p_value``, and a feature
drifted in a window when its adjusted p-value is below that *and* its effect reaches
``[data.drift].min_effect``. Holm, not Benjamini-Hochberg as in ``data.drift``: once a real
drift fills many windows with discoveries, Benjamini-Hochberg lets false ones through in the
windows before it, and the first window named would be wrong. Holm bounds the chance of any
window being named wrongly at the level. ``monitor.drift_share`` is the largest share of
drifted features in a window; a window breaks when that share is above
``[data.drift].max_share``, or the predictions drifted. The finding names the first such
window and its features.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sekit import stats
from sekit.checks.context import Context
from sekit.checks.data.kinds import DRIFT
from sekit.checks.findings import finding, percent, worst_summary
from sekit.checks.kinds import INVALID_LOG_LINES
from sekit.checks.monitor import served as sv
from sekit.checks.monitor.figures import DriftWindows, figures_of
from sekit.checks.monitor.served import Point, Series
from sekit.checks.spec import CheckSpec, Metric, MltsClaim
from sekit.errors import InputError
from sekit.results import Finding, Outcome
from sekit.stats import Comparison, compare
from sekit.subjects.datasets import bundle_from_config
from sekit.subjects.feedback import as_labels

if TYPE_CHECKING:
    import pandas as pd

PREDICTION = "(prediction)"


def needs_data(config: Any) -> str | None:
    if config.model is not None and config.model.task == "ranking":
        return "a ranking model: requests name a user, not features to compare"
    return None if config.data is not None else "no [data] table: no training data to compare with"


def _reference_predictions(ctx: Context, train: pd.DataFrame) -> tuple[Any, str | None]:
    """The model's predictions on the training inputs, or None and why not."""
    if ctx.config.model is None:
        return None, "no [model]: predictions not compared"
    from sekit.errors import SekitError
    from sekit.subjects.model import subject_from_config

    try:
        subject = subject_from_config(ctx)
        import pandas as pd

        return pd.Series(subject.predict(train[subject.features])), None
    except (SekitError, KeyError, ValueError) as exc:
        return None, f"predictions not compared: the model did not load or predict ({exc})"


def check_drift(ctx: Context) -> Outcome:
    reason = sv.no_log_reason(ctx)
    if reason is not None:
        return Outcome.skipped(reason=reason)
    monitor = sv.settings(ctx)
    frame = sv.served(ctx)
    if "synthetic" in frame.columns and frame["synthetic"].eq(True).all():
        return Outcome.skipped(
            reason="every logged request is marked synthetic (a load test replaying its "
            "payloads): its inputs say nothing about drift",
        )
    bundle = bundle_from_config(ctx)
    settings = bundle.drift
    train = bundle.train.frame
    features = [c for c in bundle.features if c in frame.columns]
    field = sv.prediction_field(ctx, frame)
    reference: Any = None
    why_not: str | None = "no prediction field in the log"
    if field is not None and field in frame.columns:
        reference, why_not = _reference_predictions(ctx, train)
    if not features and reference is None:
        raise InputError(
            frame.attrs["source"],
            f"the log has none of the training data's features ({', '.join(bundle.features[:5])}"
            f"{', ...' if len(bundle.features) > 5 else ''}) and no prediction to compare: "
            "drift is not measured",
            hint="log each request's inputs by name (SPEC.md: one line of the prediction log)",
        )
    tests: list[tuple[Any, str, Comparison]] = []
    groups = list(frame.groupby("_window", sort=True))
    for start, rows in groups:
        for column in features:
            declared = bundle.columns[column].type if column in bundle.columns else None
            outcome = compare(train[column], rows[column], declared=declared)
            if outcome is not None:
                tests.append((start, column, outcome))
        if reference is not None and field is not None:
            kind = (
                "category"
                if ctx.config.model and ctx.config.model.task == "classification"
                else None
            )
            outcome = compare(
                as_labels(reference) if kind else reference,
                as_labels(rows[field]) if kind else rows[field],
                declared=kind,
            )
            if outcome is not None:
                tests.append((start, PREDICTION, outcome))
    adjusted = stats.holm([t[2].p_value for t in tests])
    drifted: dict[Any, list[tuple[str, Comparison, float]]] = {}
    tested: dict[Any, set[str]] = {}
    smallest: dict[Any, float] = {}
    for (start, column, outcome), p in zip(tests, adjusted, strict=True):
        if column != PREDICTION:
            tested.setdefault(start, set()).add(column)
        smallest[start] = min(smallest.get(start, 1.0), p)
        if p <= settings.p_value and outcome.effect >= settings.min_effect:
            drifted.setdefault(start, []).append((column, outcome, p))
    series = Series("monitor.drift_share", settings.max_share, "max")
    for start, rows in groups:
        inputs = [c for c, _, _ in drifted.get(start, []) if c != PREDICTION]
        share = len(inputs) / len(tested[start]) if tested.get(start) else 0.0
        predictions = any(c == PREDICTION for c, _, _ in drifted.get(start, []))
        series.points.append(
            Point(
                sv.iso(start),
                len(rows),
                share,
                p_value=smallest.get(start, 1.0),
                p_adjusted=smallest.get(start, 1.0),
                broken=share > settings.max_share or predictions,
            )
        )
    broken = [p for p in series.points if p.broken]
    findings: list[Finding] = []
    if broken:
        first = broken[0]
        start = next(s for s, _ in groups if sv.iso(s) == first.start)
        hits = sorted(drifted[start], key=lambda hit: hit[2])
        named = ", ".join(f"{c} ({o.effect:.2f})" for c, o, _ in hits[:5])
        findings.append(
            finding(
                DRIFT,
                "fail",
                f"the served {'inputs' if first.value else 'predictions'} drifted from training "
                f"from the window starting {first.start} "
                f"({sv._duration(monitor.window)}): {named}"
                f"{' ...' if len(hits) > 5 else ''} "
                f"(effect >= {settings.min_effect:g}, Holm over {len(tests)} tests "
                f"at {settings.p_value:g}); {len(broken)} of {len(series.points)} windows drifted",
                metric="monitor.drift_share",
                first_window=first.start,
                broken_windows=[p.start for p in broken],
                columns=[c for c, _, _ in hits],
                family=len(tests),
            )
        )
    findings += sv.invalid_lines(frame)
    worst = max((p.value or 0.0 for p in series.points), default=0.0)
    clean = (
        f"no drift in {len(features)} features"
        + ("" if reference is None else " and the predictions")
        + f" over {len(series.points)} windows ({len(tests)} tests)"
    )
    kept = DriftWindows.model_validate(
        {"series": {series.metric: series.shown()}, "window_s": monitor.window}
    )
    findings.append(
        kept.finding(
            DRIFT,
            "drifted share of the features per window"
            + (f"; {why_not}" if reference is None and why_not else ""),
        )
    )
    metrics = {
        "drift_share": worst,
        "drift_windows": float(len(broken)),
        "drift_tests": float(len(tests)),
    }
    summary = worst_summary(findings, clean)
    if broken:
        drifted_share = f"{len(broken)} of {len(series.points)} windows drifted"
        summary = f"{drifted_share} (worst {percent(worst)}): {summary}"
    return Outcome.from_findings(findings, summary, metrics)


# --- declarations ----------------------------------------------------------------------

DRIFT_SHARE = Metric(
    "monitor.drift_share",
    "largest share of features that drifted from training in one window of served requests",
    "Each feature of each window against the training data (KS / Fisher / chi-squared), "
    "Holm over all windows and features.",
    "Above 0, the model serves inputs unlike those it learned from, from the window named on.",
    "Read the finding's first window and features; retrain on recent data if it persists.",
    gate="max = 0",
)

DRIFT_CHECK = CheckSpec(
    id="monitor.drift",
    title="drift of the served inputs and predictions from training, per time window",
    func=check_drift,
    emits="`drift` (the first window whose inputs or predictions drifted), fail; "
    "`invalid_log_lines` (warn); error when the log has none of the features",
    kinds=(DRIFT, INVALID_LOG_LINES),
    metrics=(DRIFT_SHARE,),
    settings=("[data.drift]", "[monitor].window"),
    requires=needs_data,
    mlts=(
        MltsClaim(
            "monitor-2",
            "'data invariants hold in training and serving inputs' (each window of served "
            "inputs against the training data)",
        ),
    ),
    figures=figures_of(DriftWindows),
)
