"""The labelled test set and the task's metrics on it, shared by the model checks.

The comparisons use one primary score: macro F1 for classification (robust to imbalance) and
R² for regression; higher is better for both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sekit.checks.context import Context
from sekit.subjects.datasets import DataBundle, bundle_from_config
from sekit.subjects.model import ModelUnderTest

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


def needs_labelled_test(config: Any) -> str | None:
    """Why the model cannot be scored on a labelled test set (a ranking model; no
    ``[data].test`` or ``[data].label``), else ``None``: a check's ``applies``."""
    if config.model is not None and config.model.task == "ranking":
        return "a ranking model: model.ranking and model.ranking_behaviour judge its lists"
    data = config.data
    if data is None or data.test is None or data.label is None:
        return "needs data.test and data.label to score the model"
    return None


def test_set(ctx: Context) -> tuple[DataBundle, pd.DataFrame, pd.Series]:
    """The bundle, the test rows that have a label, and those labels."""
    bundle = bundle_from_config(ctx)
    assert bundle.test is not None and bundle.label is not None
    frame = bundle.test.frame
    frame = frame[frame[bundle.label].notna()]
    return bundle, frame, frame[bundle.label]


class InvalidPredictions(Exception):
    """The model's predictions cannot be scored (not numbers, wrong length)."""


def scores(subject: ModelUnderTest, frame: pd.DataFrame, truth: pd.Series) -> dict[str, float]:
    """The task's metrics on labelled rows."""
    import numpy as np
    from sklearn import metrics

    predicted = subject.predict(frame)
    if len(predicted) != len(frame):
        raise InvalidPredictions(f"{len(frame)} rows gave {len(predicted)} predictions")
    if subject.task == "regression":
        actual = truth.to_numpy(dtype="float64")
        predicted = predicted.astype("float64")
        bad = int((~np.isfinite(predicted)).sum())
        if bad:
            raise InvalidPredictions(
                f"{bad} of {len(predicted)} predictions are not finite numbers"
            )
        return {
            "r2": float(metrics.r2_score(actual, predicted)),
            "mae": float(metrics.mean_absolute_error(actual, predicted)),
            "rmse": float(np.sqrt(metrics.mean_squared_error(actual, predicted))),
        }
    actual = truth.to_numpy()
    result = {
        "accuracy": float(metrics.accuracy_score(actual, predicted)),
        "f1_macro": float(metrics.f1_score(actual, predicted, average="macro", zero_division=0)),
    }
    if subject.has_proba and len(np.unique(actual)) > 1:
        proba = subject.predict_proba(frame)
        try:
            if proba.shape[1] == 2:
                positive = proba[:, 1]
                result["roc_auc"] = float(
                    metrics.roc_auc_score(actual == subject.classes[1], positive)
                )
            else:
                result["roc_auc"] = float(
                    metrics.roc_auc_score(actual, proba, multi_class="ovr", labels=subject.classes)
                )
        except ValueError:
            pass  # a class of the model is absent from the test set: AUC is undefined
    return result


def primary(task: str, values: dict[str, float]) -> float:
    """The task's primary score among ``values``: macro F1 (classification) or R²."""
    return values["f1_macro"] if task == "classification" else values["r2"]


def per_row_losses(
    subject: ModelUnderTest, frame: pd.DataFrame, truth: pd.Series
) -> tuple[np.ndarray, bool]:
    """Per-row loss: 1 for a wrong class (classification), the absolute error (regression)."""
    import numpy as np

    predicted = subject.predict(frame)
    if subject.task == "classification":
        return (predicted != truth.to_numpy()).astype("float64"), True
    actual = truth.to_numpy(dtype="float64")
    return np.abs(predicted.astype("float64") - actual), False
