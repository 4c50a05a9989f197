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
from sekit.checks.findings import finding, worst_summary
from sekit.checks.model.subject import subject_from_config
from sekit.checks.model.testset import needs_labelled_test, test_set
from sekit.checks.spec import CheckSpec, Kind, Metric, MltsClaim
from sekit.config.schema import Model
from sekit.errors import InputError
from sekit.results import CheckResult, Finding

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

RATES = ("accuracy", "selection_rate", "true_positive_rate", "false_positive_rate")
OTHERS = "the others"  # the side of a comparison that pools every other group


def needs_sensitive(config: Any) -> str | None:
    if config.model is None or not config.model.sensitive:
        return "no [model].sensitive attributes to compare groups by"
    return needs_labelled_test(config)


def _counts(y_true: np.ndarray, y_pred: np.ndarray, correct: np.ndarray) -> dict[str, list[int]]:
    """Each rate as [successes, trials] for one group."""
    return {
        "accuracy": [int(correct.sum()), len(correct)],
        "selection_rate": [int(y_pred.sum()), len(y_pred)],
        "true_positive_rate": [int((y_pred & y_true).sum()), int(y_true.sum())],
        "false_positive_rate": [int((y_pred & ~y_true).sum()), int((~y_true).sum())],
    }


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


def check_fairness(ctx: Context) -> CheckResult:
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
                name: _counts(
                    y_true[groups == name], y_pred[groups == name], correct[groups == name]
                )
                for name in by_group.index
            }
            groups_out += _proportion_rows(column, by_group, counted)
            comparisons += _proportion_gaps(column, counted, section.slice_min_size)
        else:
            errors = np.abs(predicted.astype("float64") - truth.to_numpy(dtype="float64"))
            by_group = MetricFrame(
                metrics={"mae": mean_absolute_error},
                y_true=truth.to_numpy(dtype="float64"),
                y_pred=predicted.astype("float64"),
                sensitive_features=groups,
            ).by_group
            groups_out += _mae_rows(column, errors, groups, list(by_group.index))
            comparisons += _mae_gaps(column, errors, groups, section.slice_min_size)
    findings = _judge(comparisons, section)
    findings.append(finding("unfair_outcome", "info", "per-group metrics", groups=groups_out))
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
    return CheckResult.from_findings(
        id="model.fairness",
        suite="model",
        findings=findings,
        summary=worst_summary(findings, shown),
        metrics=metrics,
    )


def _proportion_rows(
    column: str, by_group: pd.DataFrame, counted: dict[str, dict[str, list[int]]]
) -> list[dict[str, Any]]:
    from sekit import stats

    rows = []
    for name in by_group.index:
        for rate in RATES:
            hits, trials = counted[name][rate]
            low, high = stats.wilson(hits, trials)
            value = by_group.loc[name, rate]
            rows.append(
                {
                    "column": column,
                    "group": str(name),
                    "metric": rate,
                    "value": None if value != value else float(value),
                    "interval": [low, high],
                    "n": trials,
                }
            )
    return rows


def _compared(names: list[Any], groups: int) -> list[Any]:
    """The groups tested against the rest: all of them, or one when there are only two groups
    (A against B is B against A; testing both would only halve the level)."""
    return names[:1] if groups == 2 else names


def _proportion_gaps(
    column: str, counted: dict[str, dict[str, list[int]]], min_size: int
) -> list[dict[str, Any]]:
    """Each group against the rest of the rows, per rate, with Fisher's exact test: one group
    served worse than everyone else is the harm to find, and the rest pooled gives the test
    more rows than any single other group."""
    from scipy import stats

    out = []
    for rate in RATES:
        total = [
            sum(c[rate][0] for c in counted.values()),
            sum(c[rate][1] for c in counted.values()),
        ]
        judged = [
            g
            for g, c in counted.items()
            if c[rate][1] >= min_size and total[1] - c[rate][1] >= min_size
        ]
        for group in _compared(judged, len(counted)):
            a, n = counted[group][rate]
            b, m = total[0] - a, total[1] - n
            mine, others = a / n, b / m
            p_value = float(stats.fisher_exact([[a, n - a], [b, m - b]]).pvalue)
            low, high = (group, OTHERS) if mine <= others else (OTHERS, group)
            out.append(
                {
                    "column": column,
                    "metric": rate,
                    "group": group,
                    "low": low,
                    "high": high,
                    "group_rate": mine,
                    "others_rate": others,
                    "low_rate": min(mine, others),
                    "high_rate": max(mine, others),
                    "gap": abs(mine - others),
                    "p_value": p_value,
                    "rows": [n, m],
                }
            )
    return out


def _mae_rows(
    column: str, errors: np.ndarray, groups: np.ndarray, names: list[str]
) -> list[dict[str, Any]]:
    from sekit import stats

    rows = []
    for name in names:
        mine = errors[groups == name]
        low, high = stats.mean_interval(mine)
        rows.append(
            {
                "column": column,
                "group": str(name),
                "metric": "mae",
                "value": float(mine.mean()),
                "interval": [low, high],
                "n": len(mine),
            }
        )
    return rows


def _mae_gaps(
    column: str, errors: np.ndarray, groups: np.ndarray, min_size: int
) -> list[dict[str, Any]]:
    """Each group's absolute errors against the rest's, with Welch's t test; the gap is the
    larger MAE relative to the smaller."""
    from scipy import stats

    names = sorted(
        g for g in set(groups) if min_size <= (groups == g).sum() <= len(groups) - min_size
    )
    out = []
    for group in _compared(names, len(set(groups))):
        mine, others = errors[groups == group], errors[groups != group]
        test = stats.ttest_ind(mine, others, equal_var=False)
        a, b = float(mine.mean()), float(others.mean())
        # for errors, the higher side is the worse off
        low, high = (group, OTHERS) if a <= b else (OTHERS, group)
        out.append(
            {
                "column": column,
                "metric": "mae",
                "group": group,
                "low": low,
                "high": high,
                "group_rate": a,
                "others_rate": b,
                "low_rate": min(a, b),
                "high_rate": max(a, b),
                "gap": abs(a - b) / max(min(a, b), 1e-12),
                "p_value": float(test.pvalue),
                "rows": [len(mine), len(others)],
            }
        )
    return out


def _judge(comparisons: list[dict[str, Any]], section: Model) -> list[Finding]:
    """Holm over every comparison; per attribute and rate, the group with the largest real gap
    (a group far off pulls the rest with it, so the others can differ from their rest too: the
    one furthest off is the finding)."""
    from sekit.stats import holm

    adjusted = holm([c["p_value"] for c in comparisons])
    worst: dict[tuple[str, str], dict[str, Any]] = {}
    for comparison, p_adjusted in zip(comparisons, adjusted, strict=True):
        comparison["p_adjusted"] = p_adjusted
        key = (comparison["column"], comparison["metric"])
        unfair = (
            p_adjusted < section.fairness_p_value and comparison["gap"] >= section.max_fairness_gap
        )
        if unfair and (key not in worst or comparison["gap"] > worst[key]["gap"]):
            worst[key] = comparison
    findings = []
    for comparison in worst.values():
        unit = "relative MAE" if comparison["metric"] == "mae" else "points"
        findings.append(
            finding(
                "unfair_outcome",
                "fail",
                f"{comparison['metric']} is {comparison['group_rate']:.3g} for "
                f"{comparison['column']} = {comparison['group']!r} and "
                f"{comparison['others_rate']:.3g} for the other rows: a gap of "
                f"{comparison['gap']:.2f} {unit} (Holm-adjusted p = "
                f"{comparison['p_adjusted']:.2g}, limit {section.max_fairness_gap:g})",
                column=comparison["column"],
                **{k: v for k, v in comparison.items() if k != "column"},
            )
        )
    return findings


# --- declarations ----------------------------------------------------------------------

UNFAIR_OUTCOME = Kind(
    "unfair_outcome",
    "the model's error or selection rate differs between groups of a protected attribute",
    (
        "A model accurate overall can fail one group of people: fewer correct answers, fewer "
        "positive decisions, more false alarms. In production that is harm and, in many "
        "domains, unlawful; averages hide it."
    ),
    (
        "Read the per-group metrics in the report (and the HTML's bars with their intervals); "
        "look at the group's rows in the training data: how many, how labelled."
    ),
    (
        "Collect more (and better-labelled) data for the group, reweight it in training, or "
        "post-process with per-group thresholds (fairlearn.postprocessing); never drop the "
        "attribute and hope."
    ),
    trust=(
        "Fails only when a group's gap to the rest of the rows reaches "
        "[model].max_fairness_gap and Fisher's exact test (Welch's t test for regression), "
        "Holm-corrected over attributes, rates and groups, is below [model].fairness_p_value; "
        "groups under [model].slice_min_size rows are not judged."
    ),
)
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

SPECS = (
    CheckSpec(
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
        order=45,
    ),
)
