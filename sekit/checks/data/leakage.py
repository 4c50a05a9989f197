"""``label_leakage``: a single feature that gives the label away, and test rows seen in training.

A feature's *power* is how well a one-feature lookup model predicts the label on rows it was not
fitted on: numbers are cut into 20 quantile bins, categories are used as they are; each bin
predicts its majority class (classification) or its mean (regression). Power is the accuracy
gain over always predicting the majority class, scaled to 0..1, or the R² (floored at 0).
Fitting on train and scoring on test (or on a held-out half of train) keeps an identifier column,
which fits the training rows perfectly, from looking like a leak.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sekit.checks.data.bundle import DataBundle, bundle_from_config
from sekit.checks.data.types import is_number, looks_categorical
from sekit.checks.findings import example_rows, finding, percent, result, worst_summary
from sekit.checks.spec import CheckSpec, Kind, Rule, on
from sekit.config.data import Leakage
from sekit.results import CheckResult, Finding

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

BINS = 20
MAX_ROWS = 200_000  # rows per side used to estimate a feature's power


def feature_power(
    fit_x: pd.Series,
    fit_y: pd.Series,
    score_x: pd.Series,
    score_y: pd.Series,
    *,
    classification: bool,
) -> float:
    """How well ``x`` alone predicts ``y`` on the scoring rows: 0 (no better than a constant)
    to 1 (perfectly)."""
    fit_codes, score_codes = _codes(fit_x, score_x)
    if classification:
        fit_labels, score_labels = _codes(fit_y, score_y, categorical=True)
        return _class_power(fit_codes, fit_labels, score_codes, score_labels)
    return _regression_power(
        fit_codes, fit_y.to_numpy(dtype="float64"), score_codes, score_y.to_numpy(dtype="float64")
    )


def _class_power(
    fit_x: np.ndarray, fit_y: np.ndarray, score_x: np.ndarray, score_y: np.ndarray
) -> float:
    """Each bin predicts its majority class; gain in accuracy over the overall majority."""
    import numpy as np

    fit_x, score_x = fit_x + 1, score_x + 1  # code -1 (missing) becomes bin 0
    bins = int(max(fit_x.max(), score_x.max())) + 1
    labels = int(max(fit_y.max(), score_y.max())) + 1
    table = np.bincount(fit_x * labels + fit_y, minlength=bins * labels).reshape(bins, labels)
    fallback = int(np.bincount(fit_y, minlength=labels).argmax())
    majority = np.where(table.sum(axis=1) > 0, table.argmax(axis=1), fallback)
    accuracy = float(np.mean(majority[score_x] == score_y))
    baseline = float(np.mean(score_y == fallback))
    if baseline >= 1:
        return 0.0
    return max(0.0, (accuracy - baseline) / (1 - baseline))


def _regression_power(
    fit_x: np.ndarray, fit_y: np.ndarray, score_x: np.ndarray, score_y: np.ndarray
) -> float:
    """Each bin predicts its mean; R² on the scoring rows, floored at 0."""
    import numpy as np

    fit_x, score_x = fit_x + 1, score_x + 1
    bins = int(max(fit_x.max(), score_x.max())) + 1
    valid = ~np.isnan(fit_y)
    sums = np.bincount(fit_x[valid], weights=fit_y[valid], minlength=bins)
    counts = np.bincount(fit_x[valid], minlength=bins)
    fallback = float(fit_y[valid].mean())
    means = np.where(counts > 0, sums / np.maximum(counts, 1), fallback)
    keep = ~np.isnan(score_y)
    actual = score_y[keep]
    total = float(np.sum((actual - actual.mean()) ** 2))
    if total == 0:
        return 0.0
    error = float(np.sum((actual - means[score_x[keep]]) ** 2))
    return max(0.0, 1 - error / total)


def _codes(
    fit: pd.Series, score: pd.Series, *, categorical: bool | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes shared by both sides: quantile bins for numbers, else the values."""
    import numpy as np
    import pandas as pd

    if categorical is None:
        categorical = not is_number(fit) or looks_categorical(fit)
    if categorical:
        codes, _ = pd.factorize(pd.concat([fit, score], ignore_index=True))
        return codes[: len(fit)], codes[len(fit) :]
    fit_values = fit.to_numpy(dtype="float64", na_value=np.nan)
    score_values = score.to_numpy(dtype="float64", na_value=np.nan)
    edges = np.unique(np.nanquantile(fit_values, np.linspace(0, 1, BINS + 1))[1:-1])

    def cut(values: np.ndarray) -> np.ndarray:
        codes = np.searchsorted(edges, values, side="right")
        return np.where(np.isnan(values), -1, codes)

    return cut(fit_values), cut(score_values)


def check_label_leakage(bundle: DataBundle) -> CheckResult:
    findings: list[Finding] = []
    metrics: dict[str, float] = {}
    if bundle.label is not None:
        powers = _powers(bundle)
        if powers:
            metrics["max_feature_power"] = max(powers.values())
        ranked = sorted(powers.items(), key=lambda item: -item[1])
        for column, power in ranked:
            if power >= bundle.leakage.max_feature_power:
                findings.append(
                    finding(
                        "label_leakage",
                        "fail",
                        f"{column!r} alone predicts {bundle.label!r} with power {power:.3f} on "
                        f"held-out rows (limit {bundle.leakage.max_feature_power:g}): is it "
                        "computed from the label, or only known after the fact?",
                        column=column,
                        power=power,
                        strongest=dict(ranked[:5]),
                    )
                )
    if bundle.test is not None:
        features = bundle.shared_features(bundle.test)
        train_hashes = bundle.row_hashes("train", features)
        test_hashes = bundle.row_hashes("test", features)
        seen = test_hashes.isin(train_hashes)
        count = int(seen.sum())
        share = count / len(test_hashes)
        metrics["train_test_overlap"] = share
        if count:
            limit = bundle.leakage.max_overlap
            findings.append(
                finding(
                    "label_leakage",
                    "fail" if share > limit else "warn",
                    f"{bundle.test.source}: {count:,} test rows ({percent(share)}) also appear in "
                    f"the training set (limit {percent(limit)}); the test score overstates how the "
                    "model does on new data",
                    count=count,
                    share=share,
                    rows=example_rows(seen),
                    problem="train_test_overlap",
                )
            )
    if bundle.label is None and bundle.test is None:
        return CheckResult.skipped(
            id="data.label_leakage",
            suite="data",
            reason="needs a label (data.label) or a test set (data.test)",
        )
    return result("data.label_leakage", findings, worst_summary(findings, _clean(metrics)), metrics)


def _clean(metrics: dict[str, float]) -> str:
    parts = []
    if "max_feature_power" in metrics:
        parts.append(f"strongest single feature power {metrics['max_feature_power']:.2f}")
    if "train_test_overlap" in metrics:
        parts.append("no test rows in train")
    return "no leakage: " + ", ".join(parts)


def _powers(bundle: DataBundle) -> dict[str, float]:
    import numpy as np

    label = bundle.label
    assert label is not None
    classification = bundle.is_classification()
    if bundle.test is not None and label in bundle.test.frame.columns:
        fit, score = bundle.sampled("train", MAX_ROWS), bundle.sampled("test", MAX_ROWS)
    else:
        train = bundle.sampled("train", 2 * MAX_ROWS)
        half = np.random.default_rng(0).random(len(train)) < 0.5
        fit, score = train[half], train[~half]
    fit = fit[fit[label].notna()]
    score = score[score[label].notna()]
    if len(fit) == 0 or len(score) == 0:
        return {}
    if classification:
        fit_labels, score_labels = _codes(fit[label], score[label], categorical=True)
    powers = {}
    for column in bundle.features:
        if column not in score.columns:
            continue
        fit_codes, score_codes = _codes(fit[column], score[column])
        if classification:
            powers[column] = _class_power(fit_codes, fit_labels, score_codes, score_labels)
        else:
            powers[column] = _regression_power(
                fit_codes,
                fit[label].to_numpy(dtype="float64"),
                score_codes,
                score[label].to_numpy(dtype="float64"),
            )
    return powers


# --- declarations ----------------------------------------------------------------------

LABEL_LEAKAGE = Kind(
    "label_leakage",
    "a feature that gives the label away, or test rows seen in training",
    (
        "Leakage inflates offline accuracy: the model learns from information it will not "
        "have when "
        "it predicts for real, so production quality falls far below the test score."
    ),
    (
        "For a feature: was it computed from the label or recorded after the outcome? For overlap: "
        "does the split happen after deduplication, and are train and test disjoint?"
    ),
    (
        "Drop features not available at prediction time; split before any step that looks at all "
        "rows, deduplicate first, and split by group or time where rows are related."
    ),
)

LEAKAGE_RULES = {
    "FeatureLabelCorrelation": Rule("label_leakage", "fail"),
    "IdentifierLabelCorrelation": Rule("label_leakage", "fail"),
    "DateTrainTestLeakageDuplicates": Rule("label_leakage", "fail"),
    "DateTrainTestLeakageOverlap": Rule("label_leakage", "fail"),
    "IndexTrainTestLeakage": Rule("label_leakage", "fail"),
    "TrainTestSamplesMix": Rule("label_leakage", "fail"),
    "FeatureLabelCorrelationChange": lambda condition: (
        Rule("label_leakage", "fail")
        if condition.startswith("Train features")
        else Rule("drift", "warn")
    ),
}

SPECS = (
    CheckSpec(
        id="data.label_leakage",
        title="no feature gives the label away; no test rows in train",
        func=on(bundle_from_config, check_label_leakage),
        emits="`label_leakage`: one feature predicts the label (held-out power >= 0.95), "
        "test rows in train (fail)",
        kinds=(LABEL_LEAKAGE,),
        deepchecks=LEAKAGE_RULES,
        section=("[data.leakage]", Leakage),
        settings=("[data.leakage]",),
        order=40,
    ),
)
