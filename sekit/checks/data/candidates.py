"""Columns that name an entity, found from the data rather than from their names.

A firm's code, a county, a patient's number, a restaurant's name: the column's values repeat,
and the rows that share a value share much else too (a firm's size and sector, a county's
region and its slowly changing rates, a patient's sex and age). That is what this module
measures, for every feature whose values are codes (text, or whole numbers) with at least
``MIN_VALUES`` values, most of them on several rows:

* for each other feature, how much more alike two rows of the same value are than two rows
  of different values: for codes, Cohen's kappa of the pair (two rows agree beyond the rate
  at which any two rows agree); for numbers, the intraclass correlation of their ranks (the
  covariance of two rows of one value over the variance);
* the column's *sharing* is the mean of that over the other features (the label left out);
* the null is the data's own: the same statistic with the column's values shuffled over the
  rows, ``PERMUTATIONS`` times. A column is an entity when its sharing reaches ``MIN_SHARING``
  and beats every shuffle.

The year of a panel is not an entity (rows of one year share little else), nor is a category
such as a region (too few values). A column named ``patient_id`` whose rows share nothing else
is not one either: only the data counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sekit.checks.data.bundle import DataBundle
from sekit.checks.data.types import is_number, is_text

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

MIN_VALUES = 10  # an entity column has at least this many values...
MIN_REPEATED = 0.5  # ...and at least this share of the rows shares its value with another row
MIN_SHARING = 0.4  # rows of one value are this much more alike than rows of different values
PERMUTATIONS = 19
MAX_ROWS = 5_000  # rows the sharing is measured on (a seeded sample)
FEW = 20  # a numeric feature with at most this many values is compared as codes


@dataclass(frozen=True)
class Candidate:
    """A column that names an entity."""

    column: str
    sharing: float  # mean over the other features: same value against different values
    shuffled: float  # the largest sharing among the shuffles
    values: int  # distinct values
    rows_per_value: float


def candidates(bundle: DataBundle) -> list[Candidate]:
    """The features that name an entity, the strongest first (cached per run)."""
    if "entity_columns" not in bundle._cache:
        bundle._cache["entity_columns"] = _find(bundle)
    found: list[Candidate] = bundle._cache["entity_columns"]
    return found


def _codes_like(series: pd.Series) -> bool:
    import pandas as pd

    if is_text(series) or isinstance(series.dtype, pd.CategoricalDtype):
        return True
    if not is_number(series):
        return False
    values = series.dropna()
    return bool(len(values)) and bool((values % 1 == 0).all())


def _find(bundle: DataBundle) -> list[Candidate]:
    import numpy as np

    frame = bundle.sampled("train", MAX_ROWS)
    others = [c for c in bundle.features if c in frame.columns]
    if len(others) < 2 or len(frame) < 2 * MIN_VALUES:
        return []
    encoded = {c: _encode(frame[c]) for c in others}
    rng = np.random.default_rng(0)
    found = []
    for column in others:
        series = frame[column]
        if not _codes_like(series):
            continue
        counts = series.value_counts()
        repeated = float(counts[counts > 1].sum()) / max(int(series.notna().sum()), 1)
        if len(counts) < MIN_VALUES or repeated < MIN_REPEATED:
            continue
        groups = _groups(series)
        rest = [encoded[c] for c in others if c != column]
        sharing = _sharing(groups, rest)
        if sharing < MIN_SHARING:
            continue
        shuffled = max(_sharing(rng.permutation(groups), rest) for _ in range(PERMUTATIONS))
        if sharing > shuffled:
            found.append(Candidate(column, sharing, shuffled, len(counts), float(counts.mean())))
    return sorted(found, key=lambda c: -c.sharing)


def _groups(series: pd.Series) -> np.ndarray:
    """A code per value; each row without a value is a group of its own (no pairs)."""
    import numpy as np
    import pandas as pd

    codes, _ = pd.factorize(series)
    missing = codes < 0
    codes[missing] = int(codes.max(initial=-1)) + 1 + np.arange(int(missing.sum()))
    return codes.astype("int64")


def _encode(series: pd.Series) -> tuple[str, np.ndarray]:
    """("rank", centred ranks with NaN for missing) for numbers with many values, else
    ("code", integer codes with missing values as a code of their own)."""
    import numpy as np
    import pandas as pd

    if is_number(series) and series.nunique() > FEW:
        ranks = series.rank(method="average").to_numpy(dtype="float64", na_value=np.nan)
        return "rank", ranks - np.nanmean(ranks)
    codes, _ = pd.factorize(series, use_na_sentinel=False)
    return "code", codes.astype("int64")


def _sharing(groups: np.ndarray, others: list[tuple[str, np.ndarray]]) -> float:
    """The mean, over the other features, of how alike two rows of one group are."""
    import numpy as np

    scores = [s for s in (_alike(groups, kind, values) for kind, values in others) if s == s]
    return float(np.mean(scores)) if scores else 0.0


def _alike(groups: np.ndarray, kind: str, values: np.ndarray) -> float:
    """How alike two rows of one group are, beyond two rows of any groups: the mean over the
    groups of two rows or more, each group counted once (a single large group, such as the
    zero of a count, does not make a column an entity)."""
    import numpy as np

    if kind == "rank":
        keep = ~np.isnan(values)
        g, v = groups[keep], values[keep]
        if len(v) < 3:
            return float("nan")
        v = v - v.mean()
        variance = float(np.mean(v**2))
        if variance == 0:
            return float("nan")
        sizes = np.bincount(g)
        sums = np.bincount(g, weights=v)
        squares = np.bincount(g, weights=v**2)
        several = sizes > 1
        if not several.any():
            return float("nan")
        pairs = sizes[several] * (sizes[several] - 1.0)
        return float(np.mean((sums[several] ** 2 - squares[several]) / pairs)) / variance
    width = int(values.max()) + 1
    joint = np.bincount(groups * width + values)
    per_group = np.bincount(
        np.arange(len(joint)) // width, weights=joint * (joint - 1.0), minlength=len(joint) // width
    )
    sizes = np.bincount(groups, minlength=len(per_group))
    totals = np.bincount(values)
    n = float(len(values))
    base = float(np.sum(totals * (totals - 1.0))) / (n * (n - 1.0))
    several = sizes > 1
    if not several.any() or base >= 1:
        return float("nan")
    within = per_group[several] / (sizes[several] * (sizes[several] - 1.0))
    return float(np.mean((within - base) / (1 - base)))
