"""Real data (scikit-learn's breast cancer set) and the faults injected into it.

Each fault is data: a function that breaks a clean (train, test) pair in one way, with the
finding kind, column and severity that the data checks must report. The same cases run through
the native engine (test_faults.py) and the Deepchecks engine (test_deepchecks_engine.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

FEATURES = [
    "mean radius",
    "mean texture",
    "mean smoothness",
    "mean concavity",
    "worst area",
    "worst symmetry",
]
LABEL = "label"


def clean_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    data = load_breast_cancer(as_frame=True).frame.rename(columns={"target": LABEL})
    frame = data[[*FEATURES, LABEL]].copy()
    frame["size"] = pd.cut(
        frame["mean radius"], [0, 12, 16, 100], labels=["small", "medium", "large"]
    ).astype(str)
    frame["batch"] = np.random.default_rng(0).integers(1, 5, size=len(frame))
    train, test = train_test_split(frame, test_size=0.3, random_state=0, stratify=frame[LABEL])
    return train.reset_index(drop=True), test.reset_index(drop=True)


def schema() -> dict[str, dict[str, Any]]:
    columns: dict[str, dict[str, Any]] = {
        name: {"type": "float", "min": 0, "max": 5000} for name in FEATURES
    }
    columns["size"] = {"type": "category", "allowed": ["small", "medium", "large"]}
    columns["batch"] = {"type": "int", "min": 1, "max": 4}
    columns[LABEL] = {"type": "category", "allowed": [0, 1]}
    return columns


Frames = tuple[pd.DataFrame, pd.DataFrame]


@dataclass(frozen=True)
class Fault:
    name: str
    inject: Callable[[pd.DataFrame, pd.DataFrame], Frames]
    kind: str
    column: str | None
    severity: str = "fail"
    schema_changes: dict[str, dict[str, Any]] = field(default_factory=dict)


def _rows(frame: pd.DataFrame, share: float, seed: int = 1) -> pd.Index:
    return frame.sample(frac=share, random_state=seed).index


def missing(train: pd.DataFrame, test: pd.DataFrame) -> Frames:
    train = train.copy()
    train.loc[_rows(train, 0.1), "mean texture"] = np.nan
    return train, test


def duplicates(train: pd.DataFrame, test: pd.DataFrame) -> Frames:
    return pd.concat([train, train.iloc[:60]], ignore_index=True), test


def conflicting(train: pd.DataFrame, test: pd.DataFrame) -> Frames:
    flipped = train.iloc[:20].copy()
    flipped[LABEL] = 1 - flipped[LABEL]
    return pd.concat([train, flipped], ignore_index=True), test


def numbers_as_text(train: pd.DataFrame, test: pd.DataFrame) -> Frames:
    train = train.copy()
    column = train["mean smoothness"].astype(object)
    column.loc[_rows(train, 0.05)] = "n.a."
    train["mean smoothness"] = column.map(lambda v: v if isinstance(v, str) else f"{v}")
    return train, test


def negative(train: pd.DataFrame, test: pd.DataFrame) -> Frames:
    test = test.copy()
    test.loc[_rows(test, 0.05), "mean radius"] = -4.0
    return train, test


def new_category(train: pd.DataFrame, test: pd.DataFrame) -> Frames:
    test = test.copy()
    test.loc[_rows(test, 0.05), "size"] = "huge"
    return train, test


def dropped_column(train: pd.DataFrame, test: pd.DataFrame) -> Frames:
    return train, test.drop(columns=["worst symmetry"])


def wrong_type(train: pd.DataFrame, test: pd.DataFrame) -> Frames:
    return train, test  # the schema (below) declares 'mean concavity' as int


def constant(train: pd.DataFrame, test: pd.DataFrame) -> Frames:
    return train.assign(lab="lab-1"), test.assign(lab="lab-1")


def leaky_feature(train: pd.DataFrame, test: pd.DataFrame) -> Frames:
    rng = np.random.default_rng(2)

    def add(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.assign(followup_score=frame[LABEL] * 10 + rng.normal(0, 1, len(frame)))

    return add(train), add(test)


def test_rows_in_train(train: pd.DataFrame, test: pd.DataFrame) -> Frames:
    return train, pd.concat([test, train.iloc[:40]], ignore_index=True)


def shifted(train: pd.DataFrame, test: pd.DataFrame) -> Frames:
    test = test.copy()
    test["mean texture"] = test["mean texture"] * 1.5
    return train, test


def shifted_category(train: pd.DataFrame, test: pd.DataFrame) -> Frames:
    test = test.copy()
    test.loc[test.index[: int(len(test) * 0.6)], "size"] = "large"
    return train, test


def label_shift(train: pd.DataFrame, test: pd.DataFrame) -> Frames:
    positives = test[test[LABEL] == 1]
    negatives = test[test[LABEL] == 0].iloc[:5]
    return train, pd.concat([positives, negatives], ignore_index=True)


def imbalanced(train: pd.DataFrame, test: pd.DataFrame) -> Frames:
    def thin(frame: pd.DataFrame) -> pd.DataFrame:  # both sets alike: no label drift
        negatives = frame[frame[LABEL] == 0]
        return pd.concat(
            [frame[frame[LABEL] == 1], negatives.iloc[: len(negatives) // 20]], ignore_index=True
        )

    return thin(train), thin(test)


def unit_error(train: pd.DataFrame, test: pd.DataFrame) -> Frames:
    train = train.copy()
    train.loc[_rows(train, 0.08), "worst symmetry"] *= 100  # some rows in another unit
    return train, test


def spelling(train: pd.DataFrame, test: pd.DataFrame) -> Frames:
    train = train.copy()
    rows = _rows(train, 0.05)
    train.loc[rows, "size"] = train.loc[rows, "size"].str.upper()
    return train, test


def redundant(train: pd.DataFrame, test: pd.DataFrame) -> Frames:
    def add(frame: pd.DataFrame) -> pd.DataFrame:  # the same measure in another unit
        return frame.assign(**{"mean radius mm": frame["mean radius"] * 10})

    return add(train), add(test)


FAULTS = [
    Fault("missing", missing, "missing_values", "mean texture"),
    Fault("duplicates", duplicates, "duplicate_rows", None),
    # label noise warns (docs/explanation/trust.md: only what is certain blocks)
    Fault("conflicting", conflicting, "conflicting_labels", None, "warn"),
    Fault("numbers_as_text", numbers_as_text, "mixed_types", "mean smoothness"),
    Fault("negative", negative, "out_of_range", "mean radius"),
    Fault("new_category", new_category, "unexpected_category", "size"),
    Fault("dropped_column", dropped_column, "schema_mismatch", "worst symmetry"),
    Fault(
        "wrong_type",
        wrong_type,
        "schema_mismatch",
        "mean concavity",
        schema_changes={"mean concavity": {"type": "int"}},
    ),
    Fault("constant", constant, "constant_column", "lab", "warn"),
    Fault("leaky_feature", leaky_feature, "label_leakage", "followup_score"),
    Fault("test_rows_in_train", test_rows_in_train, "label_leakage", None),
    Fault("shifted", shifted, "drift", "mean texture"),
    Fault("shifted_category", shifted_category, "drift", "size"),
    Fault("label_shift", label_shift, "label_drift", LABEL),
    Fault("imbalanced", imbalanced, "class_imbalance", LABEL, "warn"),
    Fault("unit_error", unit_error, "outliers", "worst symmetry", "warn"),
    Fault("spelling", spelling, "string_mismatch", "size", "warn"),
    Fault("redundant", redundant, "correlated_features", "mean radius mm", "warn"),
]
