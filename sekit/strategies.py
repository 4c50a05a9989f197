"""Hypothesis strategies for schema-valid inputs, from ``[data.columns]`` and the training data.

Where the schema is silent, the training data decides: a float column without ``min``/``max``
ranges over the values seen in training, a column the schema does not describe takes its type
and values from training. Use them in your own property-based tests::

    from hypothesis import given
    import sekit.strategies as sst

    @given(sst.frames(profiles, max_rows=32))
    def test_predictions_are_probabilities(model, frame): ...

(the pytest plugin offers ``sekit_profiles``, ``sekit_rows`` and ``sekit_frames`` fixtures).

:class:`FeatureProfile` also draws bulk values with numpy (:meth:`FeatureProfile.bulk`), which
sekit's behaviour checks use to fill large batches cheaply around a few rows that Hypothesis
draws and shrinks itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from hypothesis.strategies import SearchStrategy

    from sekit.config.schema import Column


@dataclass(frozen=True)
class FeatureProfile:
    """What values a feature may take."""

    name: str
    kind: str  # float | int | bool | category
    low: float | None = None
    high: float | None = None
    values: tuple[Any, ...] = ()  # categories (or seen values of free text)
    nullable: bool = False

    def strategy(self) -> SearchStrategy[Any]:
        from hypothesis import strategies as st

        base: SearchStrategy[Any]
        if self.kind == "float":
            base = st.floats(self.low, self.high, allow_nan=False, allow_infinity=False)
        elif self.kind == "int":
            base = st.integers(int(self.low or 0), int(self.high if self.high is not None else 100))
        elif self.kind == "bool":
            base = st.sampled_from(self.values or (False, True))
        else:
            base = st.sampled_from(self.values)
        return st.one_of(st.none(), base) if self.nullable else base

    def bulk(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` schema-valid values drawn with numpy: uniform in the feature's range, with
        about 2% of them on its bounds (where off-by-one and log-of-zero bugs live) and, for a
        nullable feature, 5% missing.

        A shorter draw is a prefix of a longer one (from the same ``rng`` state): the values
        and the cells that become bounds or missing come from two streams, each read once."""
        import numpy as np

        special = np.random.default_rng(rng.integers(2**63)).random(size)
        if self.kind == "float":
            low = self.low if self.low is not None else 0.0
            high = self.high if self.high is not None else 1.0
            values: np.ndarray = rng.uniform(low, high, size)
        elif self.kind == "int":
            low, high = int(self.low or 0), int(self.high if self.high is not None else 100)
            values = rng.integers(low, high + 1, size)
        else:
            pool = np.array(self.values or (False, True), dtype=object)
            values = pool[rng.integers(0, len(pool), size)]
        if self.kind in ("float", "int") and self.low is not None and self.high is not None:
            values[(special >= HOLES) & (special < HOLES + BOUNDS / 2)] = low
            values[(special >= HOLES + BOUNDS / 2) & (special < HOLES + BOUNDS)] = high
        if self.nullable:
            values = values.astype(object) if self.kind not in ("float",) else values
            holes = special < HOLES
            values[holes] = np.nan if self.kind == "float" else None
        return values


HOLES = 0.05  # share of missing values in a nullable feature's bulk
BOUNDS = 0.02  # share of a bounded numeric feature's bulk on its bounds


def profiles(
    columns: Mapping[str, Column], train: pd.DataFrame | None, features: list[str]
) -> list[FeatureProfile]:
    """One profile per feature, in the model's column order."""
    return [
        profile(
            name,
            columns.get(name),
            train[name] if train is not None and name in train.columns else None,
        )
        for name in features
    ]


def profile(name: str, spec: Column | None, seen: pd.Series | None) -> FeatureProfile:
    import pandas as pd

    from sekit.subjects.types import is_number, looks_categorical

    kind = spec.type if spec is not None else None
    nullable = spec.nullable if spec is not None else bool(seen is not None and seen.isna().any())
    if kind is None and seen is not None:
        if pd.api.types.is_bool_dtype(seen.dtype):
            kind = "bool"
        elif is_number(seen) and not looks_categorical(seen):
            kind = "float"
        elif pd.api.types.is_integer_dtype(seen.dtype):
            kind = "int"
        else:
            kind = "category"
    if kind is None:
        raise ValueError(f"no schema and no training data for feature {name!r}")
    if kind in ("category", "string", "datetime"):
        allowed = tuple(spec.allowed) if spec is not None and spec.allowed else ()
        if not allowed and seen is not None:
            allowed = tuple(seen.dropna().value_counts().index[:200].tolist())
        return FeatureProfile(name, "category", values=allowed or ("",), nullable=nullable)
    if kind == "bool":
        values = tuple(seen.dropna().unique().tolist()) if seen is not None else (False, True)
        return FeatureProfile(name, "bool", values=values[:2] or (False, True), nullable=nullable)
    low = _bound(spec.min if spec is not None else None, seen, "min")
    high = _bound(spec.max if spec is not None else None, seen, "max")
    if low is not None and high is not None and low > high:
        low, high = high, low
    return FeatureProfile(name, kind, low=low, high=high, nullable=nullable)


def _bound(declared: float | str | None, seen: pd.Series | None, which: str) -> float | None:
    if isinstance(declared, int | float):
        return float(declared)
    if seen is not None and len(seen.dropna()):
        value = float(seen.min() if which == "min" else seen.max())
        return value if math.isfinite(value) else None
    return 0.0 if which == "min" else 1.0


def rows(features: list[FeatureProfile]) -> SearchStrategy[dict[str, Any]]:
    """One schema-valid row as a dict."""
    from hypothesis import strategies as st

    return st.fixed_dictionaries({f.name: f.strategy() for f in features})


def frames(
    features: list[FeatureProfile], *, min_rows: int = 1, max_rows: int = 64
) -> SearchStrategy[pd.DataFrame]:
    """A DataFrame of schema-valid rows, one column per feature (in order)."""
    from hypothesis import strategies as st

    names = [f.name for f in features]
    return st.lists(rows(features), min_size=min_rows, max_size=max_rows).map(
        lambda records: _frame(records, names)
    )


def _frame(records: list[dict[str, Any]], names: list[str]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame.from_records(records, columns=names)
