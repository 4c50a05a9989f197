"""How often chance alone makes two rows identical: the baseline for duplicates, conflicting
labels and train/test overlap.

Two people can give the same survey answers; two copies of one record are a fault. sekit tells
them apart by asking how many rows with a pattern chance would produce in a data set this size:

* **measured values** (columns with many values) count with their frequencies among the
  *distinct* rows (copies cannot vouch for themselves), taken as independent: a value no other
  distinct row holds repeats as often as two distinct rows share any value of that column, which
  for a continuous measurement is never, so an exact copy of it is never chance;
* **few-valued columns** (answers, categories, small counts) are judged by the pattern's
  neighbourhood: a pattern chance makes common has common near-neighbours (rows that differ in
  one column), so chance is taken to produce up to ``KAPPA`` times as many rows of the pattern as
  of its busiest neighbourhood. A mode of the answers (everyone who answers 3 throughout) has a
  crowded neighbourhood; forty copies of one unusual record do not.

The larger of the two estimates is used (chance gets the benefit of the doubt). A group of ``k``
identical rows is **beyond chance** when a data set of this size would hold ``k`` rows of that
pattern with probability below ``ALPHA`` divided by the number of rows that could have
coincided (Poisson tail; Bonferroni over every row, since the pattern was picked after
looking). The group's own rows are taken out of every count, so copies cannot make themselves
look common. What this cannot see: in data made only of few-valued columns, one copy of a
common-looking record is indistinguishable from two people answering alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

ALPHA = 0.001
FEW = 20  # columns with at most this many values are judged by the pattern's neighbourhood
KAPPA = 3.0


@dataclass(frozen=True)
class Model:
    """The chance model of one data set's coded columns."""

    codes: np.ndarray  # rows x columns, integer codes (missing values are a code of their own)
    few: np.ndarray  # indices of the columns with few values
    frequencies: list[np.ndarray]  # per column: rows per value
    salts: list[np.ndarray]  # per few-valued column: a random 64-bit number per value
    pattern_table: tuple[np.ndarray, np.ndarray]  # few-valued pattern hash -> rows (sorted)
    neighbour_tables: list[tuple[np.ndarray, np.ndarray]]  # per few column: hash without it
    distinct: list[np.ndarray]  # per column: distinct rows per value (copies counted once)
    match_rates: list[float]  # per column: chance two distinct rows share a value
    distinct_rows: int

    @property
    def rows(self) -> int:
        return int(self.codes.shape[0])


def encode(frame: pd.DataFrame) -> np.ndarray:
    """Integer codes per column; missing values get a code of their own."""
    import numpy as np
    import pandas as pd

    columns = []
    for name in frame.columns:
        codes, _ = pd.factorize(frame[name], use_na_sentinel=False)
        columns.append(codes.astype("int64"))
    return np.column_stack(columns) if columns else np.zeros((len(frame), 0), dtype="int64")


def _table(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    import numpy as np

    unique, counts = np.unique(values, return_counts=True)
    return unique, counts


def _lookup(table: tuple[np.ndarray, np.ndarray], values: np.ndarray) -> np.ndarray:
    import numpy as np

    unique, counts = table
    at = np.clip(np.searchsorted(unique, values), 0, max(len(unique) - 1, 0))
    found = (unique[at] == values) if len(unique) else np.zeros(len(values), dtype=bool)
    return np.where(found, counts[at] if len(unique) else 0, 0)


def fit(codes: np.ndarray, *, seed: int = 0) -> Model:
    import numpy as np

    rows, width = codes.shape
    levels = codes.max(axis=0) + 1 if rows else np.ones(width, dtype="int64")
    few = np.flatnonzero(levels <= FEW)
    rng = np.random.default_rng(seed)
    salts = [rng.integers(0, 2**63, size=int(levels[j]), dtype=np.uint64) for j in few]
    parts = [salt[codes[:, j]] for salt, j in zip(salts, few, strict=True)]
    whole = _hash(parts, rows)
    unique = np.unique(codes, axis=0) if rows else codes
    distinct = [np.bincount(unique[:, j], minlength=int(levels[j])) for j in range(width)]
    pairs = max(len(unique) * (len(unique) - 1), 1)
    return Model(
        codes=codes,
        few=few,
        frequencies=[np.bincount(codes[:, j], minlength=int(levels[j])) for j in range(width)],
        salts=salts,
        pattern_table=_table(whole),
        neighbour_tables=[_table(whole - part) for part in parts],
        distinct=distinct,
        match_rates=[float(np.sum(d * (d - 1.0))) / pairs for d in distinct],
        distinct_rows=len(unique),
    )


def _hash(parts: list[np.ndarray], rows: int) -> np.ndarray:
    import numpy as np

    total = np.zeros(rows, dtype=np.uint64)
    for part in parts:
        total += part  # wraps around: an additive hash, so one column can be taken out
    return total


def expected(model: Model, pattern: np.ndarray, own: int, size: int) -> float:
    """How many rows with this exact ``pattern`` a data set of ``size`` rows holds by chance,
    estimated without the ``own`` rows (of this data set) that carry it."""
    import numpy as np

    rows = max(model.rows - own, 1)
    log_independent = 0.0
    log_measured = 0.0
    few = set(model.few.tolist())
    for j, frequency in enumerate(model.frequencies):
        value = int(pattern[j])
        if j in few:
            count = float(frequency[value]) if value < len(frequency) else 0.0
            share = (max(count - own, 0.0) + 0.5) / (rows + 0.5 * len(frequency))
        else:
            share = _measured_share(model, j, value)
            log_measured += math.log(share)
        log_independent += math.log(share)
    estimate = math.exp(log_independent)
    if len(model.few):
        parts = [
            np.asarray(
                [salt[int(pattern[j])] if int(pattern[j]) < len(salt) else 0], dtype=np.uint64
            )
            for salt, j in zip(model.salts, model.few, strict=True)
        ]
        whole = _hash(parts, 1)
        same = int(_lookup(model.pattern_table, whole)[0])
        busiest = max(
            int(_lookup(table, whole - part)[0]) - same
            for table, part in zip(model.neighbour_tables, parts, strict=True)
        )
        neighbourhood = KAPPA * (busiest + 1) / rows
        estimate = max(estimate, neighbourhood * math.exp(log_measured))
    return size * min(estimate, 1.0)


def _measured_share(model: Model, column: int, value: int) -> float:
    """The chance that another row holds this value of a measured column, counted among
    distinct rows (so copies cannot vouch for themselves): its share of the other distinct
    rows, or, for a value no other distinct row holds, how often two distinct rows share any
    value of the column (0 for a continuous measurement: floored at one in rows squared)."""
    counts = model.distinct[column]
    others = (float(counts[value]) if value < len(counts) else 1.0) - 1.0
    rows = max(model.distinct_rows, 1)
    if others > 0:
        return others / rows
    return max(model.match_rates[column], 1.0 / rows**2)


def beyond_chance(
    model: Model,
    groups: list[tuple[np.ndarray, int]],
    size: int,
    *,
    seen: bool,
    opportunities: int,
) -> list[bool]:
    """For each group (a pattern and how many rows carry it), whether chance cannot explain it.

    ``seen``: the pattern was picked because it occurs in this data set (duplicates: is it
    surprising that it *repeats*?), else it was picked elsewhere (overlap: is it surprising
    that the training set holds it at all?). ``opportunities``: how many rows were looked at to
    find the groups (the Bonferroni factor).
    """
    from scipy import stats

    if not groups:
        return []
    limit = ALPHA / max(opportunities, len(groups))
    flags = []
    for pattern, count in groups:
        mean = max(expected(model, pattern, count, size), 1e-300)
        tail = float(stats.poisson.sf(count - 1, mean))
        if seen:
            tail /= max(float(stats.poisson.sf(0, mean)), 1e-300)
        flags.append(tail < limit)
    return flags
