"""``data.identifier_columns``: a feature that is really an identifier (a row number, a patient
id, an e-mail address).

An identifier carries no signal that generalises: a model that uses it memorises rows, and one
that does not still pays for collecting and validating it. A column counts as an identifier
when nearly every row has its own value and the values look like keys: integers that fill a
dense range (a counter, even after a random split), or text without spaces (codes, addresses).
Free text (several words) and continuous numbers are not identifiers, however unique.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sekit.checks.findings import finding, outcome, percent, worst_summary
from sekit.checks.spec import CheckSpec, Kind, on
from sekit.results import Finding, Outcome
from sekit.subjects.datasets import DataBundle, bundle_from_config
from sekit.subjects.types import is_number, is_text

if TYPE_CHECKING:
    import pandas as pd

MIN_ROWS = 100
MIN_UNIQUE = 0.99  # share of rows with their own value
MAX_SPAN = 4.0  # a counter (after a split, a dense subset) spans at most this times the rows


def looks_like_identifier(series: pd.Series) -> str | None:
    """Why a column looks like an identifier, or None."""
    values = series.dropna()
    if len(values) < MIN_ROWS:
        return None
    unique = values.nunique() / len(values)
    if unique < MIN_UNIQUE:
        return None
    if is_number(values):
        numbers = values.astype("float64")
        if not (numbers == numbers.round()).all():
            return None  # continuous measurements are unique without being keys
        span = float(numbers.max() - numbers.min() + 1)
        if span > MAX_SPAN * len(values):
            return None
        return f"consecutive integers from {numbers.min():g} to {numbers.max():g}"
    if is_text(values):
        spaced = values.astype(str).str.contains(r"\s", regex=True).mean()
        if spaced > 0.05:
            return None  # free text, not a key
        return f"{percent(unique)} distinct codes such as {str(values.iloc[0])!r}"
    return None


def check_identifier_columns(bundle: DataBundle) -> Outcome:
    findings: list[Finding] = []
    frame = bundle.sampled("train")
    for column in bundle.features:
        why = looks_like_identifier(frame[column])
        if why is not None:
            findings.append(
                finding(
                    IDENTIFIER_COLUMN,
                    "warn",
                    f"{column!r} is an identifier, not a feature ({why}): list it in "
                    "data.ignore, or drop it from the model's inputs",
                    column=column,
                    distinct=int(frame[column].nunique()),
                    rows=len(frame),
                )
            )
    return outcome(
        findings,
        worst_summary(findings, "no identifier among the features"),
        {"identifier_columns": len(findings)},
    )


# --- declarations ----------------------------------------------------------------------

IDENTIFIER_COLUMN = Kind(
    "identifier_column",
    "a feature that is an identifier (row number, id, code) with a value per row",
    "An identifier carries no signal that generalises: a model that uses it memorises training "
    "rows and guesses on new ones, and it often leaks how the data was collected.",
    "Check what the column is: a row number, a database key, an e-mail address? Did the "
    "export add it?",
    "List it in data.ignore (and keep it out of the model's inputs); keep ids for joins and "
    "tracing, not for learning.",
)

IDENTIFIER_COLUMNS_CHECK = CheckSpec(
    id="data.identifier_columns",
    title="no identifier among the features",
    func=on(bundle_from_config, check_identifier_columns),
    emits="`identifier_column`: a counter or a code with a value per row (warn)",
    kinds=(IDENTIFIER_COLUMN,),
    settings=("[data].ignore",),
)
