"""The faults the calibration benchmark injects, each at graded strengths.

A fault is data: which data sets it applies to, its strengths, how it breaks a (train, test)
pair, the finding kind and column that must report it, and the schema it needs (a missing value
is only a fault where the schema says ``nullable = false``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from calibration_data import DataSet

Frames = tuple[pd.DataFrame, pd.DataFrame]


@dataclass(frozen=True)
class Injected:
    train: pd.DataFrame
    test: pd.DataFrame
    column: str | None
    columns: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class Fault:
    name: str
    kind: str
    strengths: tuple[float, ...]
    datasets: tuple[str, ...]
    inject: Callable[[DataSet, pd.DataFrame, pd.DataFrame, float, np.random.Generator], Injected]
    harms_from: float  # the weakest strength that plainly harms a model (README)
    why: str
    needs_column: bool = True


def numeric_feature(data: DataSet, frame: pd.DataFrame) -> str:
    """The numeric feature most related to the label (a shift there matters most)."""
    numbers = [
        c
        for c in frame.columns
        if c != data.label and pd.api.types.is_numeric_dtype(frame[c]) and frame[c].nunique() > 10
    ]
    target = frame[data.label]
    if not pd.api.types.is_numeric_dtype(target):
        target = pd.Series(pd.factorize(target)[0], index=frame.index)
    return max(numbers, key=lambda c: abs(frame[c].corr(target.astype(float))))


def category_feature(data: DataSet, frame: pd.DataFrame) -> str:
    text = [
        c for c in frame.columns if c != data.label and not pd.api.types.is_numeric_dtype(frame[c])
    ]
    return text[0]


def shift(data: DataSet, train: pd.DataFrame, test: pd.DataFrame, sd: float, rng: Any) -> Injected:
    column = numeric_feature(data, train)
    moved = test.copy()
    moved[column] = moved[column] + sd * train[column].std()
    return Injected(train, moved, column)


def category_share(
    data: DataSet, train: pd.DataFrame, test: pd.DataFrame, delta: float, rng: Any
) -> Injected:
    column = category_feature(data, train)
    moved = test.copy()
    common = train[column].value_counts().index[-1]  # the rarest value gains the share
    others = np.flatnonzero(moved[column].to_numpy() != common)
    picked = rng.choice(others, size=min(len(others), round(delta * len(moved))), replace=False)
    moved.iloc[picked, moved.columns.get_loc(column)] = common
    return Injected(train, moved, column)


def proxy(
    data: DataSet, train: pd.DataFrame, test: pd.DataFrame, agree: float, rng: Any
) -> Injected:
    def add(frame: pd.DataFrame) -> pd.DataFrame:
        label = frame[data.label]
        if data.task == "regression":
            noise = rng.normal(size=len(frame))
            scaled = (label - label.mean()) / label.std()
            value = agree * scaled + np.sqrt(max(0.0, 1 - agree**2)) * noise
            return frame.assign(review_score=value)
        values = label.to_numpy().copy()
        classes = np.unique(train[data.label])
        wrong = rng.random(len(frame)) > agree
        for i in np.flatnonzero(wrong):
            values[i] = rng.choice(classes[classes != values[i]])
        return frame.assign(review_flag=values)

    column = "review_score" if data.task == "regression" else "review_flag"
    return Injected(add(train), add(test), column)


def missing(
    data: DataSet, train: pd.DataFrame, test: pd.DataFrame, share: float, rng: Any
) -> Injected:
    column = numeric_feature(data, train) if data.name != "survey" else "q1"
    broken = train.copy().astype({column: "float64"})
    rows = rng.choice(len(broken), size=max(1, round(share * len(broken))), replace=False)
    broken.iloc[rows, broken.columns.get_loc(column)] = np.nan
    kind = "int" if data.name == "survey" else "float"
    return Injected(broken, test, column, {column: {"type": kind, "nullable": False}})


def copies(
    data: DataSet, train: pd.DataFrame, test: pd.DataFrame, share: float, rng: Any
) -> Injected:
    picked = rng.choice(len(train), size=max(1, round(share * len(train))), replace=False)
    doubled = pd.concat([train, train.iloc[picked]], ignore_index=True)
    return Injected(doubled.sample(frac=1, random_state=int(rng.integers(1 << 30))), test, None)


def leaked(
    data: DataSet, train: pd.DataFrame, test: pd.DataFrame, share: float, rng: Any
) -> Injected:
    count = max(1, round(share * len(test)))
    picked = rng.choice(len(train), size=count, replace=False)
    kept = test.iloc[count:]
    return Injected(train, pd.concat([kept, train.iloc[picked]], ignore_index=True), None)


def out_of_range(
    data: DataSet, train: pd.DataFrame, test: pd.DataFrame, share: float, rng: Any
) -> Injected:
    column = numeric_feature(data, train)
    low, high = float(train[column].min()), float(train[column].max())
    span = high - low
    schema = {column: {"type": "float", "min": low - 0.5 * span, "max": high + 0.5 * span}}
    broken = test.copy().astype({column: "float64"})
    rows = rng.choice(len(broken), size=max(1, round(share * len(broken))), replace=False)
    broken.iloc[rows, broken.columns.get_loc(column)] = high + 2 * span
    return Injected(train, broken, column, schema)


def flips(
    data: DataSet, train: pd.DataFrame, test: pd.DataFrame, share: float, rng: Any
) -> Injected:
    labels = test[data.label].to_numpy().copy()
    classes = train[data.label].value_counts().index.to_numpy()
    source, target = classes[0], classes[1]
    candidates = np.flatnonzero(labels == source)
    picked = rng.choice(candidates, size=round(share * len(candidates)), replace=False)
    labels[picked] = target
    return Injected(train, test.assign(**{data.label: labels}), data.label)


def imbalance(
    data: DataSet, train: pd.DataFrame, test: pd.DataFrame, ratio: float, rng: Any
) -> Injected:
    counts = train[data.label].value_counts()
    minority, majority = counts.index[-1], counts.iloc[0]
    keep = max(2, int(ratio * majority))
    rows = np.flatnonzero(train[data.label].to_numpy() == minority)
    dropped = rng.choice(rows, size=max(0, len(rows) - keep), replace=False)
    return Injected(train.drop(train.index[dropped]), test, data.label)


CLASSIFIERS = ("breast_cancer", "wine", "iris", "survey", "categorical", "large")
FAULTS = (
    Fault(
        "drift: mean shift (SD)", "drift", (0.1, 0.25, 0.5, 1.0),
        ("breast_cancer", "wine", "diabetes", "wide", "regression", "large"), shift, 0.5,
        "half a standard deviation moves a feature far enough to change many predictions",
    ),
    Fault(
        "drift: category share moved", "drift", (0.05, 0.1, 0.2, 0.4),
        ("survey", "categorical", "large"), category_share, 0.1,
        "ten points of share to one category changes who the model serves",
    ),
    Fault(
        "label proxy (agreement)", "label_leakage", (0.9, 0.95, 0.98, 1.0),
        ("breast_cancer", "wine", "iris", "survey", "categorical", "diabetes", "regression"),
        proxy, 0.98,
        "a feature that agrees with the label 98% of the time beats the honest features of every "
        "data set here: the model would lean on it and fail in production",
    ),
    Fault(
        "missing values (share)", "missing_values", (0.005, 0.02, 0.1),
        ("breast_cancer", "survey", "large"), missing, 0.005,
        "any gap in a column declared nullable = false breaks the pipeline's contract",
    ),
    Fault(
        "copied rows (share of train)", "duplicate_rows", (0.01, 0.05, 0.1, 0.2),
        ("breast_cancer", "survey", "categorical", "regression"), copies, 0.05,
        "5% copies overweight those rows and, split across train and test, inflate the score",
        needs_column=False,
    ),
    Fault(
        "train rows leaked into test (share)", "label_leakage", (0.01, 0.05, 0.1, 0.2),
        ("breast_cancer", "survey", "categorical", "regression"), leaked, 0.05,
        "5% of the test set seen in training already inflates the test score visibly",
        needs_column=False,
    ),
    Fault(
        "out-of-range values (share)", "out_of_range", (0.005, 0.02, 0.1),
        ("breast_cancer", "diabetes", "large"), out_of_range, 0.005,
        "any value outside the declared range breaks the data contract",
    ),
    Fault(
        "label flips (share of a class)", "label_drift", (0.05, 0.1, 0.2, 0.4),
        ("breast_cancer", "wine", "survey", "categorical"), flips, 0.2,
        "a fifth of a class relabelled changes the class balance the model was tuned for",
    ),
    Fault(
        "class imbalance (minority/majority)", "class_imbalance", (0.2, 0.1, 0.05),
        ("breast_cancer", "survey", "categorical"), imbalance, 0.1,
        "below one to ten, accuracy hides a model that ignores the rare class",
    ),
)  # fmt: skip
