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

from sekit.checks.data._common import example_rows, finding, percent, result, worst_summary
from sekit.checks.data.bundle import DataBundle
from sekit.checks.data.types import is_number, looks_categorical
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
    import numpy as np
    import pandas as pd

    fit_codes, score_codes = _codes(fit_x, score_x)
    if classification:
        fit_labels, score_labels = _codes(fit_y.astype(str), score_y.astype(str), categorical=True)
        table = pd.DataFrame({"c": fit_codes, "y": fit_labels})
        counts = table.groupby(["c", "y"]).size()
        majority = counts.groupby(level="c").idxmax().map(lambda pair: pair[1])
        fallback = int(pd.Series(fit_labels).mode().iloc[0])
        predicted = pd.Series(score_codes).map(majority).fillna(fallback).to_numpy()
        accuracy = float(np.mean(predicted == score_labels))
        baseline = float(np.mean(score_labels == fallback))
        if baseline >= 1:
            return 0.0
        return float(max(0.0, (accuracy - baseline) / (1 - baseline)))
    fit_values = fit_y.to_numpy(dtype="float64")
    score_values = score_y.to_numpy(dtype="float64")
    means = pd.Series(fit_values).groupby(fit_codes).mean()
    fallback_mean = float(np.nanmean(fit_values))
    predicted = pd.Series(score_codes).map(means).fillna(fallback_mean).to_numpy()
    valid = ~np.isnan(score_values)
    total = float(np.sum((score_values[valid] - score_values[valid].mean()) ** 2))
    if total == 0:
        return 0.0
    error = float(np.sum((score_values[valid] - predicted[valid]) ** 2))
    return float(max(0.0, 1 - error / total))


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
    powers = {}
    for column in bundle.features:
        if column not in score.columns:
            continue
        powers[column] = feature_power(
            fit[column], fit[label], score[column], score[label], classification=classification
        )
    return powers
