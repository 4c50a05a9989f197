"""What type a column's values really are, judged from the values rather than only the dtype.

Work is done on the unique values (with their counts) wherever possible, so a million-row
column of a few categories costs a ``value_counts`` and not a million parses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

MAX_UNIQUES = 200_000  # parse at most this many distinct values of a text column
BOOL_WORDS = {"true", "false", "yes", "no", "t", "f", "y", "n", "0", "1"}


def is_text(series: pd.Series) -> bool:
    """Object, pandas string or categorical-of-strings columns."""
    import pandas as pd

    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return bool(
            pd.api.types.is_string_dtype(dtype.categories.dtype)
            or pd.api.types.is_object_dtype(dtype.categories.dtype)
        )
    return bool(pd.api.types.is_object_dtype(dtype) or pd.api.types.is_string_dtype(dtype))


def is_number(series: pd.Series) -> bool:
    """The column's dtype is numeric (booleans are not numbers)."""
    import pandas as pd

    return bool(
        pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype)
    )


def looks_categorical(series: pd.Series, *, max_levels: int = 20) -> bool:
    """Text, bool, categorical, or integers with few distinct values (class labels)."""
    import pandas as pd

    if is_text(series) or pd.api.types.is_bool_dtype(series.dtype):
        return True
    if isinstance(series.dtype, pd.CategoricalDtype):
        return True
    if pd.api.types.is_integer_dtype(series.dtype):
        return int(series.nunique()) <= max_levels
    if pd.api.types.is_float_dtype(series.dtype):
        import numpy as np

        values = series.dropna()
        numbers = values.to_numpy(dtype="float64")
        with np.errstate(invalid="ignore"):  # inf % 1 is NaN: not a whole number
            # the first values rule out most measured columns before all of them are divided
            if not len(numbers) or not (numbers[:1000] % 1 == 0).all():
                return False
            return bool((numbers % 1 == 0).all() and values.nunique() <= max_levels)
    return False


@dataclass(frozen=True)
class TextProfile:
    """How the non-null values of a text column split between numbers and other text."""

    non_null: int
    numeric: int  # values that parse as numbers
    python_types: dict[str, int]  # for object columns: counts per Python type
    numeric_examples: list[str]
    text_examples: list[str]

    @property
    def numeric_share(self) -> float:
        """The share of the non-null values that parse as numbers."""
        return self.numeric / self.non_null if self.non_null else 0.0


def text_profile(series: pd.Series) -> TextProfile:
    """How a text column's values split between numbers and other text (judged on its most
    frequent distinct values, weighted by their counts)."""
    import pandas as pd

    counts = series.value_counts(dropna=True)
    if len(counts) > MAX_UNIQUES:
        counts = counts.iloc[:MAX_UNIQUES]
    values = counts.index.to_series().reset_index(drop=True)
    type_names = values.map(lambda v: type(v).__name__)
    python_types = {
        str(name): int(counts.to_numpy()[(type_names == name).to_numpy()].sum())
        for name in type_names.unique()
    }
    as_text = values.astype(str).str.strip()
    parsed = pd.to_numeric(as_text, errors="coerce")
    numeric_mask = parsed.notna().to_numpy()
    return TextProfile(
        non_null=int(counts.sum()),
        numeric=int(counts.to_numpy()[numeric_mask].sum()),
        python_types=python_types,
        numeric_examples=[str(v) for v in values[numeric_mask].head(3)],
        text_examples=[str(v) for v in values[~numeric_mask].head(3)],
    )


def conforms(series: pd.Series, declared: str) -> tuple[bool, str]:
    """Whether the values fit the declared schema type, and what they look like instead."""
    import pandas as pd

    dtype = series.dtype
    actual = str(dtype)
    values = series.dropna()
    if declared == "float":
        return is_number(series), actual
    if declared == "int":
        if pd.api.types.is_integer_dtype(dtype):
            return True, actual
        if pd.api.types.is_float_dtype(dtype):
            fractional = values[(values % 1) != 0]
            if len(fractional) == 0:
                return True, actual
            return False, f"{actual} with fractions such as {fractional.iloc[0]!r}"
        return False, actual
    if declared == "bool":
        if pd.api.types.is_bool_dtype(dtype):
            return True, actual
        uniques = values.unique()
        if len(uniques) <= 2 and {str(u).strip().lower() for u in uniques} <= BOOL_WORDS:
            return True, actual
        return False, f"{actual} with values such as {list(uniques[:3])!r}"
    if declared in ("category", "string"):
        if is_text(series):
            return True, actual
        if declared == "category" and (
            pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)
        ):
            return True, actual
        return False, actual
    if declared == "datetime":
        if pd.api.types.is_datetime64_any_dtype(dtype):
            return True, actual
        if is_text(series):
            sample = values.head(10_000).astype(str)
            parsed = pd.to_datetime(sample, errors="coerce", format="mixed")
            share = float(parsed.notna().mean()) if len(sample) else 1.0
            return share >= 0.99, f"text ({share:.0%} parse as dates)"
        return False, actual
    return True, actual
