"""Rows that repeat, judged against chance: shared by the duplicate, entity and overlap checks.

A pattern's rows repeat *beyond chance* when the chance model of the data set
(:mod:`.chance`) would produce that many rows of it with probability below its level; the
duplicate check (:mod:`.duplicates`), the entity check (:mod:`.entities`) and the train/test
overlap of :mod:`.leakage` all ask this one question.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sekit.checks.data import chance
from sekit.subjects.datasets import DataBundle, Dataset

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

MAX_GROUPS = 5_000  # groups judged against chance (the largest first)


def chance_model(bundle: DataBundle, dataset: Dataset, columns: list[str]) -> chance.Model:
    """The chance model of a data set's columns (cached per run)."""
    key = f"chance:{dataset.role}:{'|'.join(columns)}"
    if key not in bundle._cache:
        bundle._cache[key] = chance.fit(chance.encode(dataset.frame[columns]))
    model: chance.Model = bundle._cache[key]
    return model


def repeated(hashes: pd.Series, among: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(position of one row of each pattern repeated among the rows ``among`` (a mask), how
    many rows carry it), largest first."""
    import numpy as np

    positions = np.flatnonzero(among)
    _, first, counts = np.unique(
        hashes.to_numpy()[positions], return_index=True, return_counts=True
    )
    keep = counts > 1
    first, counts = positions[first[keep]], counts[keep]
    order = np.argsort(-counts, kind="stable")[:MAX_GROUPS]
    return first[order], counts[order]


def split_by_chance(
    bundle: DataBundle,
    dataset: Dataset,
    columns: list[str],
    hashes: pd.Series,
    among: pd.Series | None = None,
) -> tuple[pd.Series, pd.Series]:
    """(rows that repeat beyond chance, rows that repeat as chance would), among the rows of
    the mask ``among`` (all rows by default), excluding the first row of each pattern."""
    import numpy as np

    mask = np.ones(len(hashes), dtype=bool) if among is None else among.to_numpy(dtype=bool)
    positions, counts = repeated(hashes, mask)
    later = hashes.duplicated() & mask
    if len(positions) == 0:
        return later & False, later & False
    model = chance_model(bundle, dataset, columns)
    flags = chance.beyond_chance(
        model,
        [(model.codes[p], int(c)) for p, c in zip(positions, counts, strict=True)],
        model.rows,
        seen=True,
        opportunities=int(mask.sum()),
    )
    copied = hashes.isin(hashes.iloc[positions[np.asarray(flags, dtype=bool)]]) & mask
    return copied & later, ~copied & later


MIN_DISTINCT = 50  # a column is judged unique-valued only with at least this many values
UNIQUE = 0.95  # share of the distinct rows that hold a value of their own
PAIRED = 30  # columns looked at in pairs when no one column is unique-valued
MIN_COPIES = 3  # copies that block: one or two (a record the source holds twice) warn


def unique_valued(bundle: DataBundle, columns: list[str]) -> list[tuple[str, ...]]:
    """The columns, or else the pairs of columns, in which nearly every record has a value of
    its own (a measurement to many decimals, a name, a time stamp; an age with a cholesterol
    level), judged on the distinct rows of train and test together (cached per run): a copy
    cannot vouch for itself.

    Two records equal in every column, down to a value no other record holds, are the same
    record: where such a column exists, an exact repeat is a copy, not a coincidence. This
    needs no model of chance, which is why it may block (``docs/explanation/trust.md``).
    """

    key = f"unique_valued:{'|'.join(columns)}"
    if key not in bundle._cache:
        distinct = _distinct_rows(bundle, columns)
        found: list[tuple[str, ...]] = []
        # the set must leave two columns out at least: a set that is the whole row is unique
        # among distinct rows by definition, and says nothing
        for column in columns if len(columns) >= 3 else []:
            values = distinct[column].dropna()
            if len(values) >= MIN_DISTINCT and _distinct_enough(values):
                found.append((column,))
        if not found and len(columns) >= 4:
            found = _unique_pair(distinct, columns[:PAIRED])
        bundle._cache[key] = found
    unique: list[tuple[str, ...]] = bundle._cache[key]
    return unique


def _distinct_rows(bundle: DataBundle, columns: list[str]) -> pd.DataFrame:
    """The distinct rows of ``columns`` in train and test together (sampled): a copy cannot
    vouch for itself."""
    import pandas as pd

    frames = [bundle.sampled("train")[columns]]
    if bundle.test is not None and all(c in bundle.test.frame.columns for c in columns):
        frames.append(bundle.sampled("test")[columns])
    return pd.concat(frames, ignore_index=True).drop_duplicates()


def _distinct_enough(values: pd.Series) -> bool:
    """At least ``UNIQUE`` of the values distinct. A tenth of them rules most columns out
    first (a code, a category): the rest can add at most one distinct value each."""
    head = len(values) // 10
    if head and int(values.iloc[:head].nunique()) + len(values) - head < UNIQUE * len(values):
        return False
    return bool(values.nunique() >= UNIQUE * len(values))


def _unique_pair(distinct: pd.DataFrame, columns: list[str]) -> list[tuple[str, ...]]:
    """The first pair of columns whose joint values nearly every distinct row holds alone."""
    import pandas as pd

    codes = {c: pd.factorize(distinct[c])[0].astype("int64") for c in columns}
    for i, a in enumerate(columns):
        for b in columns[i + 1 :]:
            both = (codes[a] >= 0) & (codes[b] >= 0)
            if int(both.sum()) < MIN_DISTINCT:
                continue
            joint = codes[a][both] * (int(codes[b].max()) + 1) + codes[b][both]
            if len(set(joint.tolist())) >= UNIQUE * int(both.sum()):
                return [(a, b)]
    return []


def keyed(bundle: DataBundle, features: list[str], label: str) -> bool:
    """Whether the features are a key of the records: nearly every distinct record (features
    and label, train and test together; at least ``MIN_DISTINCT``) has a feature vector no
    other record shares. A designed table (each variety on each site in each year; each
    subject once in each condition) is one; so is a table of measurements to many decimals.
    Coarse answers are not: honest people who answer alike differ in the label.

    A record the source holds twice in such a table is an exact repeat of a row nobody else
    resembles, which a clean source seldom holds (:mod:`.pairs` counts them at a looser
    level): on the corpus' tuning half, see ``benchmarks/copies.py``."""
    key = f"keyed:{'|'.join(features)}:{label}"
    if key not in bundle._cache:
        distinct = _distinct_rows(bundle, [*features, label])
        shared = distinct[features].duplicated(keep=False)
        bundle._cache[key] = bool(
            features and len(distinct) >= MIN_DISTINCT and float(shared.mean()) <= 1 - UNIQUE
        )
    found: bool = bundle._cache[key]
    return found


def with_unique_value(frame: pd.DataFrame, unique: list[tuple[str, ...]]) -> pd.Series:
    """Rows that hold a value in every column of at least one unique-valued set."""
    import pandas as pd

    held = pd.Series(False, index=frame.index)
    for columns in unique:
        held |= frame[list(columns)].notna().all(axis=1)
    return held
