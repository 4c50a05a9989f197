"""``model.fairness``: does the model treat the groups of each protected attribute alike?

``[model].sensitive`` names the attributes (columns of the test set; they need not be model
inputs). Per group, on the labelled test set, with Fairlearn's ``MetricFrame``: accuracy,
selection rate (the share predicted ``[model].positive_class``), true and false positive rates
(classification), or the mean absolute error (regression), each with a 95% interval (Wilson;
a t interval for the MAE). Demographic parity and equalized odds differences (Fairlearn) are
the gateable metrics ``model.demographic_parity_diff`` and ``model.equalized_odds_diff`` (the
largest over the attributes).

``unfair_outcome`` (fail) only where a gap is real: for each attribute and rate, each group
against the rest of the rows with Fisher's exact test (Welch's t test on absolute errors for
regression; with two groups one test), Holm-corrected over every attribute, rate and group,
below ``[model].fairness_p_value``, *and* the gap at least ``[model].max_fairness_gap`` (rate
points; relative MAE for regression). Group against the rest rather than the extreme pair of
groups: the harm to find is one group served worse than everyone else, and the pooled rest
gives the test more rows than any single other group (three groups of 38 negatives, one
false positive in each of the two others: the smallest provable false-positive gap is 0.18
against the rest, 0.26 for the extreme pair with Bonferroni over the pairs). Groups (or
rests) under ``[model].slice_min_size`` rows are reported, not judged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sekit.checks.context import Context
from sekit.checks.findings import worst_summary
from sekit.checks.model.figures import Groups, group_figures
from sekit.checks.model.groups import (
    counts,
    judge,
    mae_gaps,
    mae_rows,
    proportion_gaps,
    proportion_rows,
)
from sekit.checks.model.kinds import UNFAIR_OUTCOME
from sekit.checks.spec import CheckSpec, Metric, MltsClaim
from sekit.errors import InputError
from sekit.results import Outcome
from sekit.subjects.model import subject_from_config
from sekit.subjects.testset import needs_labelled_test, test_set

if TYPE_CHECKING:
    import pandas as pd


def needs_sensitive(config: Any) -> str | None:
    if config.model is None or not config.model.sensitive:
        return "no [model].sensitive attributes to compare groups by"
    return needs_labelled_test(config)


def _positive(subject: Any, truth: pd.Series, configured: str | None) -> Any:
    classes = list(subject.classes) or sorted(truth.unique(), key=str)
    if configured is None:
        return classes[-1]
    for known in classes:
        if str(known) == configured:
            return known
    raise InputError(
        "sekit.toml",
        f"[model].positive_class {configured!r} is not a class of the model "
        f"({[str(c) for c in classes]})",
        key="model.positive_class",
    )


def check_fairness(ctx: Context) -> Outcome:
    import numpy as np
    from fairlearn.metrics import (
        MetricFrame,
        demographic_parity_difference,
        equalized_odds_difference,
        false_positive_rate,
        selection_rate,
        true_positive_rate,
    )
    from sklearn.metrics import accuracy_score, mean_absolute_error

    section = ctx.config.model
    assert section is not None
    subject = subject_from_config(ctx)
    _, frame, truth = test_set(ctx)
    missing = [c for c in section.sensitive if c not in frame.columns]
    if missing:
        raise InputError(
            ctx.config.source,
            f"[model].sensitive names {missing}, which the test set does not have",
            key="model.sensitive",
        )
    predicted = subject.predict(frame)
    classification = subject.task == "classification"
    groups_out: list[dict[str, Any]] = []
    comparisons: list[dict[str, Any]] = []
    parity: list[float] = []
    odds: list[float] = []
    for column in section.sensitive:
        groups = frame[column].astype(str).to_numpy()
        if classification:
            positive = _positive(subject, truth, section.positive_class)
            y_true = (truth.astype(str) == str(positive)).to_numpy()
            y_pred = np.asarray([str(p) == str(positive) for p in predicted])
            correct = predicted.astype(str) == truth.astype(str).to_numpy()
            by_group = MetricFrame(
                metrics={
                    "accuracy": accuracy_score,
                    "selection_rate": selection_rate,
                    "true_positive_rate": true_positive_rate,
                    "false_positive_rate": false_positive_rate,
                },
                y_true=y_true,
                y_pred=y_pred,
                sensitive_features=groups,
            ).by_group
            parity.append(
                float(demographic_parity_difference(y_true, y_pred, sensitive_features=groups))
            )
            odds.append(float(equalized_odds_difference(y_true, y_pred, sensitive_features=groups)))
            counted = {
                name: counts(
                    y_true[groups == name], y_pred[groups == name], correct[groups == name]
                )
                for name in by_group.index
            }
            groups_out += proportion_rows(column, by_group, counted)
            comparisons += proportion_gaps(column, counted, section.slice_min_size)
        else:
            errors = np.abs(predicted.astype("float64") - truth.to_numpy(dtype="float64"))
            by_group = MetricFrame(
                metrics={"mae": mean_absolute_error},
                y_true=truth.to_numpy(dtype="float64"),
                y_pred=predicted.astype("float64"),
                sensitive_features=groups,
            ).by_group
            groups_out += mae_rows(column, errors, groups, list(by_group.index))
            comparisons += mae_gaps(column, errors, groups, section.slice_min_size)
    findings = judge(comparisons, section)
    findings.append(
        Groups.model_validate({"groups": groups_out}).finding(UNFAIR_OUTCOME, "per-group metrics")
    )
    metrics: dict[str, float | None] = {}
    if classification:
        metrics["demographic_parity_diff"] = max(parity) if parity else None
        metrics["equalized_odds_diff"] = max(odds) if odds else None
    worst = max(comparisons, key=lambda c: c["gap"], default=None)
    shown = (
        f"largest gap {worst['gap']:.2f} ({worst['metric']} by {worst['column']}: "
        f"{worst['low']} against {worst['high']}); no gap is both real and above "
        f"{section.max_fairness_gap:g}"
        if worst
        else "no group large enough to compare"
    )
    return Outcome.from_findings(
        findings=findings,
        summary=worst_summary(findings, shown),
        metrics=metrics,
    )


# --- declarations ----------------------------------------------------------------------

PARITY = Metric(
    "model.demographic_parity_diff",
    "largest difference in selection rate between groups (Fairlearn)",
    "The share predicted [model].positive_class per group of each [model].sensitive attribute.",
    "0 means every group is selected at the same rate; large means unequal treatment.",
    "See unfair_outcome.",
    gate="max = 0.1",
)
ODDS = Metric(
    "model.equalized_odds_diff",
    "largest difference in true or false positive rate between groups (Fairlearn)",
    "Per group of each [model].sensitive attribute, the larger of the TPR and FPR gaps.",
    "0 means errors fall on every group alike.",
    "See unfair_outcome.",
    gate="max = 0.1",
)

FAIRNESS_CHECK = CheckSpec(
    id="model.fairness",
    title="fairness across the groups of [model].sensitive",
    func=check_fairness,
    emits="`unfair_outcome`: a gap between groups in accuracy, selection rate, TPR or FPR "
    "(MAE for regression) that is real by Fisher's exact test (Holm) and reaches "
    "[model].max_fairness_gap (fail)",
    kinds=(UNFAIR_OUTCOME,),
    metrics=(PARITY, ODDS),
    settings=(
        "[model].sensitive",
        "[model].positive_class",
        "[model].max_fairness_gap",
        "[model].fairness_p_value",
    ),
    requires=needs_sensitive,
    mlts=(
        MltsClaim(
            "model-7",
            "'the model is tested for considerations of inclusion': quality per group of "
            "the protected attributes",
        ),
    ),
    figures=group_figures,
)
