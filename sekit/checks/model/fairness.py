"""``model.fairness``: does the model treat the groups of each protected attribute alike?

``[model].sensitive`` names the attributes (columns of the test set; they need not be model
inputs). Per group, on the labelled test set, with Fairlearn's ``MetricFrame``: accuracy,
selection rate (the share predicted ``[model].positive_class``), true and false positive rates
(classification), or the mean absolute error (regression), each with a 95% interval (Wilson;
a t interval for the MAE). Demographic parity and equalized odds differences (Fairlearn) are
the gateable metrics ``model.demographic_parity_diff`` and ``model.equalized_odds_diff`` (the
largest over the attributes).

``unfair_outcome`` (fail) only where a gap is real: for each attribute and rate, the worst
group against the best with Fisher's exact test (Welch's t test on absolute errors for
regression), Bonferroni over the k(k-1)/2 pairs the extreme pair was chosen from, then
Holm-corrected over every attribute and rate, below ``[model].fairness_p_value``, *and*
the gap at least ``[model].max_fairness_gap`` (rate points; relative MAE for regression).
Groups smaller than ``[model].slice_min_size`` are reported, not judged.
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


def _proportion_gaps(
    column: str, counted: dict[str, dict[str, list[int]]], min_size: int
) -> list[dict[str, Any]]:
    from scipy import stats

    out = []
    for rate in RATES:
        judged = {g: c[rate] for g, c in counted.items() if c[rate][1] >= min_size}
        if len(judged) < 2:
            continue
        shares = {g: hits / trials for g, (hits, trials) in judged.items()}
        # the groups with the lowest and the highest rate: for accuracy and TPR the low one is
        # worse off; for selection rate and FPR which is worse depends on what the class means
        low_group = min(shares, key=lambda g: shares[g])
        high_group = max(shares, key=lambda g: shares[g])
        (a, n), (b, m) = judged[low_group], judged[high_group]
        # the extreme pair of k groups is the most different of k(k-1)/2 pairs: Bonferroni
        pairs = len(judged) * (len(judged) - 1) / 2
        p_value = min(1.0, pairs * float(stats.fisher_exact([[a, n - a], [b, m - b]]).pvalue))
        out.append(
            {
                "column": column,
                "metric": rate,
                "low": low_group,
                "high": high_group,
                "low_rate": shares[low_group],
                "high_rate": shares[high_group],
                "gap": shares[high_group] - shares[low_group],
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
    from scipy import stats

    names = [g for g in set(groups) if (groups == g).sum() >= min_size]
    if len(names) < 2:
        return []
    means = {g: float(errors[groups == g].mean()) for g in names}
    worst, best = max(means, key=lambda g: means[g]), min(means, key=lambda g: means[g])
    test = stats.ttest_ind(errors[groups == worst], errors[groups == best], equal_var=False)
    pairs = len(names) * (len(names) - 1) / 2  # the extreme pair of k groups: Bonferroni
    return [
        {
            "column": column,
            "metric": "mae",
            "low": best,
            "high": worst,
            "low_rate": means[best],
            "high_rate": means[worst],
            "gap": (means[worst] - means[best]) / max(means[best], 1e-12),
            "p_value": min(1.0, pairs * float(test.pvalue)),
            "rows": [int((groups == worst).sum()), int((groups == best).sum())],
        }
    ]


def _judge(comparisons: list[dict[str, Any]], section: Model) -> list[Finding]:
    from sekit.stats import holm

    findings = []
    adjusted = holm([c["p_value"] for c in comparisons])
    for comparison, p_adjusted in zip(comparisons, adjusted, strict=True):
        comparison["p_adjusted"] = p_adjusted
        if p_adjusted < section.fairness_p_value and comparison["gap"] >= section.max_fairness_gap:
            unit = "relative MAE" if comparison["metric"] == "mae" else "points"
            findings.append(
                finding(
                    "unfair_outcome",
                    "fail",
                    f"{comparison['metric']} is {comparison['low_rate']:.3g} for "
                    f"{comparison['column']} = {comparison['low']!r} and "
                    f"{comparison['high_rate']:.3g} for {comparison['high']!r}: a gap of "
                    f"{comparison['gap']:.2f} {unit} (Holm-adjusted p = {p_adjusted:.2g}, limit "
                    f"{section.max_fairness_gap:g})",
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
        "Fails only when the gap reaches [model].max_fairness_gap and Fisher's exact test "
        "(Welch's t test for regression), Holm-corrected over attributes and rates, is below "
        "[model].fairness_p_value; groups under [model].slice_min_size rows are not judged."
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
