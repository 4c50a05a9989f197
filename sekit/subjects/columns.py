"""The declared columns of the datasets (``[data.columns]``) as a pandera schema.

The data suite's value checks (``missing_values``, ``out_of_range``, ``unexpected_category``)
judge exactly these constraints, and :func:`sekit.data.pandera_schema` hands the same schema to
a team's own pipeline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sekit.config.schema import Column
from sekit.subjects.types import is_number, is_text

if TYPE_CHECKING:
    import pandas as pd
    import pandera.pandas as pa


def to_pandera(
    columns: dict[str, Column], frame: pd.DataFrame | None = None, *, skip: tuple[str, ...] = ()
) -> pa.DataFrameSchema:
    """The pandera schema of ``[data.columns]``: nullability, min/max and allowed values.

    Types are judged by :func:`sekit.subjects.types.conforms` (semantically: an int column
    read as float because of a gap is still int), so the pandera columns carry no dtype.
    Given ``frame``, range checks are only attached where the column's values can be compared.
    """
    import pandera.pandas as pa

    schema_columns = {}
    for name, spec in columns.items():
        if name in skip:
            continue
        series = frame[name] if frame is not None and name in frame.columns else None
        schema_columns[name] = pa.Column(
            None,
            nullable=spec.nullable,
            required=False,
            checks=[c for _, c in constraints(spec, series)],
            description=spec.description or None,
        )
    return pa.DataFrameSchema(schema_columns, strict=False, name="sekit [data.columns]")


def constraints(spec: Column, series: pd.Series | None) -> list[tuple[str, pa.Check]]:
    """A declared column's constraints as pandera checks, by name (``min``, ``max``,
    ``allowed``); given ``series``, a range only where its values can be compared."""
    import pandas as pd
    import pandera.pandas as pa

    found: list[tuple[str, pa.Check]] = []
    comparable = (
        series is None
        or is_number(series)
        or (spec.type == "datetime" and pd.api.types.is_datetime64_any_dtype(series.dtype))
    )
    if comparable:
        for name, bound in (("min", spec.min), ("max", spec.max)):
            if bound is None:
                continue
            value: Any = bound
            if spec.type == "datetime":
                value = pd.Timestamp(str(bound))
                tz = series.dt.tz if series is not None else None
                if tz is not None and value.tzinfo is None:
                    value = value.tz_localize(tz)
            check = pa.Check.ge(value) if name == "min" else pa.Check.le(value)
            found.append((name, check))
    if spec.allowed is not None:
        allowed = list(spec.allowed)
        if series is not None and not is_text(series) and all(isinstance(a, str) for a in allowed):
            texts = set(allowed)
            found.append(("allowed", pa.Check(lambda s: s.astype(str).isin(texts), name="allowed")))
        else:
            found.append(("allowed", pa.Check.isin(allowed)))
    return found
