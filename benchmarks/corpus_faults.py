"""The faults :mod:`corpus` injects into a table's clean split, each with the rule that must
find it.

Each fault is what a real project gets wrong: the label kept in another form (a log or a unit
change of it, the classes under other names, its complement, two parts that add up to it),
rows copied by an ingest that ran twice, training rows in the test set, a feature filled in
only after the outcome, and the same entities measured several times and split at random.
Values are rounded as the table records them, so a transform is as exact as real data allows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from corpus_tables import Table

Frames = tuple[pd.DataFrame, pd.DataFrame]


@dataclass(frozen=True)
class Fault:
    name: str
    kind: str  # the finding kind that must report it...
    inject: Callable[[Table, pd.DataFrame, pd.DataFrame, np.random.Generator], Frames | None]
    columns: tuple[str, ...] = ()  # ...naming one of these columns, where there are any
    problem: str | None = None  # ...or with this problem

    def finds(self, item: Any) -> bool:
        """Whether a finding reports this fault."""
        if item.kind != self.kind:
            return False
        if self.problem is not None and item.evidence.get("problem") != self.problem:
            return False
        if self.columns:
            named = {item.column, *item.evidence.get("columns", [])}
            return bool(named & set(self.columns))
        return True


def decimals(values: pd.Series) -> int:
    """The decimals a numeric column is recorded with (at most 6)."""
    numbers = values.dropna().to_numpy(dtype="float64")
    for places in range(7):
        if np.allclose(numbers, np.round(numbers, places), rtol=0, atol=1e-9):
            return places
    return 6


def _numeric_label(table: Table, frame: pd.DataFrame) -> np.ndarray | None:
    label = frame[table.label]
    if not pd.api.types.is_numeric_dtype(label.dtype) or pd.api.types.is_bool_dtype(label.dtype):
        return None
    return label.to_numpy(dtype="float64")


def _both(table: Table, train: pd.DataFrame, test: pd.DataFrame, make: Callable) -> Frames:
    return make(train), make(test)


def transform(table: Table, train: pd.DataFrame, test: pd.DataFrame, rng: np.random.Generator):
    """The label's log (numbers above zero) or the label in other units (inches to cm,
    rounded as the label is); classes under other names."""
    if table.task == "classification" and _numeric_label(table, train) is None:
        return _both(
            table, train, test, lambda f: f.assign(label_code="c_" + f[table.label].astype(str))
        )
    places = decimals(train[table.label])
    low = min(float(train[table.label].min()), float(test[table.label].min()))
    use_log = low > 0 and rng.random() < 0.5

    def add(frame: pd.DataFrame) -> pd.DataFrame:
        y = frame[table.label].to_numpy(dtype="float64")
        value = np.round(np.log(y), 4) if use_log else np.round(y * 2.54, places + 1)
        return frame.assign(label_other_units=value)

    return _both(table, train, test, add)


def complement(table: Table, train: pd.DataFrame, test: pd.DataFrame, rng: np.random.Generator):
    """What is left of the label: the largest value plus the smallest minus the label
    (numbers); the other class of two, the next class of several."""
    y = _numeric_label(table, train)
    if table.task == "regression" and y is not None:
        top = float(max(train[table.label].max(), test[table.label].max()))
        bottom = float(min(train[table.label].min(), test[table.label].min()))
        return _both(
            table, train, test, lambda f: f.assign(remainder=top + bottom - f[table.label])
        )
    classes = sorted(map(str, pd.concat([train[table.label], test[table.label]]).unique()))
    following = {c: classes[(i + 1) % len(classes)] for i, c in enumerate(classes)}
    return _both(
        table,
        train,
        test,
        lambda f: f.assign(other_class=f[table.label].astype(str).map(following)),
    )


def parts(table: Table, train: pd.DataFrame, test: pd.DataFrame, rng: np.random.Generator):
    """Two columns that add up to the label (casual + registered riders = all riders): a
    random share of it, rounded as the label is, and the rest. Classes are coded 0, 1, ...
    first, as a team's pipeline would."""
    y = _numeric_label(table, train)
    if y is None or table.task == "classification":
        classes = sorted(map(str, pd.concat([train[table.label], test[table.label]]).unique()))
        code = {c: i for i, c in enumerate(classes)}

        def coded(frame: pd.DataFrame) -> np.ndarray:
            return frame[table.label].astype(str).map(code).to_numpy(dtype="float64")

        places = 0
    else:

        def coded(frame: pd.DataFrame) -> np.ndarray:
            return frame[table.label].to_numpy(dtype="float64")

        places = decimals(train[table.label])

    def add(frame: pd.DataFrame) -> pd.DataFrame:
        y = coded(frame)
        share = np.round(y * rng.uniform(0.2, 0.8, len(frame)), places)
        if places == 0 and table.task == "classification":
            share = rng.integers(0, 10, len(frame)).astype("float64")
        return frame.assign(part_a=share, part_b=np.round(y - share, places))

    return _both(table, train, test, add)


def copies(table: Table, train: pd.DataFrame, test: pd.DataFrame, rng: np.random.Generator):
    """An ingest that ran twice for a tenth of the training rows."""
    picked = rng.choice(len(train), size=max(2, len(train) // 10), replace=False)
    doubled = pd.concat([train, train.iloc[picked]], ignore_index=True)
    return doubled.sample(frac=1, random_state=int(rng.integers(1 << 30))).reset_index(
        drop=True
    ), test


def leaked_rows(table: Table, train: pd.DataFrame, test: pd.DataFrame, rng: np.random.Generator):
    """A tenth of the test set replaced by training rows."""
    count = max(2, len(test) // 10)
    picked = rng.choice(len(train), size=count, replace=False)
    return train, pd.concat([test.iloc[count:], train.iloc[picked]], ignore_index=True)


def time_filled(table: Table, train: pd.DataFrame, test: pd.DataFrame, rng: np.random.Generator):
    """A date per row, and a feature recorded once the outcome is known: it tells the label
    fairly well, and the newest fifth of the rows does not have it yet."""
    rows = len(train) + len(test)
    dates = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 730 * 24, rows), unit="h")
    newest = dates.asi8 >= np.quantile(dates.asi8, 0.8)
    y = _numeric_label(table, pd.concat([train, test]))
    if table.task == "classification" or y is None:
        labels = pd.concat([train[table.label], test[table.label]]).astype(str).to_numpy()
        classes = np.unique(labels)
        noisy = np.where(rng.random(rows) < 0.7, labels, rng.choice(classes, rows))
        value = pd.Series(noisy, dtype="object")
    else:
        scaled = (y - y.mean()) / (y.std() or 1)
        value = pd.Series(np.round(scaled + 0.6 * rng.normal(size=rows), 3))
    value[newest] = None if value.dtype == object else np.nan
    both = pd.concat([train, test], ignore_index=True).assign(recorded=dates, follow_up=value)
    return both.iloc[: len(train)].reset_index(drop=True), both.iloc[len(train) :].reset_index(
        drop=True
    )


def entities(table: Table, train: pd.DataFrame, test: pd.DataFrame, rng: np.random.Generator):
    """A quarter of the rows are entities measured twice more (their numbers within a few
    percent, rounded as recorded; a class kept four times in five), each row with its
    entity's id; the rows are split at random, as if they were independent."""
    from sklearn.model_selection import train_test_split

    frame = pd.concat([train, test], ignore_index=True)
    frame.insert(0, "unit", rng.permutation(len(frame)) + 1000)
    picked = frame.iloc[rng.choice(len(frame), size=max(5, len(frame) // 4), replace=False)]
    again = []
    for _ in range(2):
        repeat = picked.copy()
        for column in repeat.columns:
            if column == "unit":
                continue
            series = repeat[column]
            if pd.api.types.is_float_dtype(series.dtype) and series.nunique() > 10:
                moved = series * (1 + rng.normal(0, 0.03, len(series)))
                repeat[column] = np.round(moved, decimals(frame[column]))
        if table.task == "classification":
            classes = frame[table.label].dropna().unique()
            change = rng.random(len(repeat)) < 0.2
            repeat.loc[change, table.label] = rng.choice(classes, int(change.sum()))
        again.append(repeat)
    grown = pd.concat([frame, *again], ignore_index=True)
    fit, held = train_test_split(grown, test_size=0.3, random_state=int(rng.integers(1 << 30)))
    return fit.reset_index(drop=True), held.reset_index(drop=True)


FAULTS = (
    Fault("label transform", "label_leakage", transform, ("label_code", "label_other_units")),
    Fault("label complement", "label_leakage", complement, ("remainder", "other_class")),
    Fault("two columns summing to the label", "label_leakage", parts, ("part_a", "part_b")),
    Fault("rows copied in train (10%)", "duplicate_rows", copies),
    Fault(
        "training rows in test (10%)", "label_leakage", leaked_rows, problem="train_test_overlap"
    ),
    Fault("feature filled in after the outcome", "label_leakage", time_filled, ("follow_up",)),
    Fault("repeated entities, random split", "repeated_entities", entities),
)
