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
* the column's *sharing* is the mean of that over the other columns, the label among them
  (a column that varies within every group counts as zero, not less);
* the null is the data's own: the same statistic with the column's values shuffled over the
  rows, ``PERMUTATIONS`` times. A column is an entity when its sharing reaches ``MIN_SHARING``
  and beats every shuffle;
* or when a column of few values differs between every two rows of each of its groups: the
  session or the item of a repeated measurement (each subject seen once per session).

Whole numbers that rise or fall with another column (a flipper length in millimetres, a year)
are measurements, not codes. The year of a panel is not an entity, nor is a category such as a
region (too few values); a column named ``patient_id`` whose rows share nothing else is not
one either: only the data counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sekit.subjects.datasets import DataBundle
from sekit.subjects.types import is_number, is_text

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

MIN_VALUES = 10  # an entity column has at least this many values...
MIN_REPEATED = 0.2  # ...and at least this share of the rows shares its value with another row
MIN_SHARING = 0.4  # rows of one value are this much more alike than rows of different values
PERMUTATIONS = 19
MAX_ROWS = 5_000  # rows the sharing is measured on (a seeded sample)
FEW = 20  # a numeric feature with at most this many values is compared as codes
MEASURED = 0.3  # whole numbers whose ranks correlate this much with another column measure


@dataclass(frozen=True)
class Candidate:
    """A column that names an entity."""

    column: str
    sharing: float  # mean over the other features: same value against different values
    shuffled: float  # the largest sharing among the shuffles
    values: int  # distinct values
    rows_per_value: float
    occasions: str | None = None  # a column that differs between every two rows of a group


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
    features = [c for c in bundle.features if c in frame.columns]
    label = [bundle.label] if bundle.label is not None and bundle.label in frame.columns else []
    if len(features) < 2 or len(frame) < 2 * MIN_VALUES:
        return []
    encoded = {c: _encode(frame[c]) for c in [*features, *label]}
    rng = np.random.default_rng(0)
    found = []
    for column in features:
        series = frame[column]
        if not _codes_like(series) or _measurement(frame, column, [*features, *label]):
            continue
        counts = series.value_counts()
        repeated = float(counts[counts > 1].sum()) / max(int(series.notna().sum()), 1)
        if len(counts) < MIN_VALUES or repeated < MIN_REPEATED:
            continue
        groups = _groups(series)
        rest = [encoded[c] for c in [*features, *label] if c != column]
        sharing = _sharing(groups, rest)
        occasions = _occasions(frame, groups, [c for c in features if c != column])
        if sharing < MIN_SHARING and occasions is None:
            continue
        shuffled = max(_sharing(rng.permutation(groups), rest) for _ in range(PERMUTATIONS))
        if occasions is not None or sharing > shuffled:
            found.append(
                Candidate(column, sharing, shuffled, len(counts), float(counts.mean()), occasions)
            )
    return sorted(found, key=lambda c: -c.sharing)


def _measurement(frame: pd.DataFrame, column: str, others: list[str]) -> bool:
    """Whole numbers that rise or fall with another column (a length in millimetres, a
    year): a measurement whose equal values make rows alike, not a code."""
    import numpy as np

    series = frame[column]
    if not is_number(series):
        return False
    ranks = series.rank()
    for other in others:
        if other == column or not is_number(frame[other]):
            continue
        with np.errstate(all="ignore"):
            rho = ranks.corr(frame[other].rank())
        if rho == rho and abs(rho) >= MEASURED:
            return True
    return False


def _occasions(frame: pd.DataFrame, groups: np.ndarray, others: list[str]) -> str | None:
    """A column of few values that differs between every two rows of a group (the time or
    the item of a repeated measurement: each subject seen once per session), in at least
    MIN_VALUES groups of two rows or more."""
    import numpy as np
    import pandas as pd

    sizes = np.bincount(groups)
    several = sizes[groups] > 1
    if int((sizes > 1).sum()) < MIN_VALUES:
        return None
    for other in others:
        values = frame[other]
        if values.nunique() > FEW or values.nunique() < 2 or values.isna().any():
            continue
        pairs = pd.DataFrame({"g": groups[several], "v": values.to_numpy()[several]})
        if not pairs.duplicated().any():
            return other
    return None


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

    # (a column that varies within every group, such as the time of a panel, is not alike
    # within it, and no less a sign of one: it counts as nothing, not as less than nothing)
    scores = [max(s, 0.0) for s in (_alike(groups, k, v) for k, v in others) if s == s]
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
