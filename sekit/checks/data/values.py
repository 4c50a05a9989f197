"""Value constraints from ``[data.columns]``: ``missing_values``, ``out_of_range``,
``unexpected_category``; and ``string_mismatch`` (case and whitespace variants).

The constraints (nullable, min, max, allowed) are a pandera schema, built by :func:`to_pandera`,
so a team's own pipeline can validate with exactly the schema that sekit checks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sekit.checks.data._common import example_rows, finding, percent, result, worst_summary
from sekit.checks.data.bundle import DataBundle, Dataset
from sekit.checks.data.types import is_number, is_text
from sekit.config.schema import Column
from sekit.results import CheckResult, Finding

if TYPE_CHECKING:
    import pandas as pd
    import pandera.pandas as pa

EXAMPLES = 10


def to_pandera(
    columns: dict[str, Column], frame: pd.DataFrame | None = None, *, skip: tuple[str, ...] = ()
) -> pa.DataFrameSchema:
    """The pandera schema of ``[data.columns]``: nullability, min/max and allowed values.

    Types are judged by :func:`sekit.checks.data.types.conforms` (semantically: an int column
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
            checks=[c for _, c in _constraints(spec, series)],
            description=spec.description or None,
        )
    return pa.DataFrameSchema(schema_columns, strict=False, name="sekit [data.columns]")


def _constraints(spec: Column, series: pd.Series | None) -> list[tuple[str, pa.Check]]:
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


@dataclass
class Violations:
    """Rows breaking one constraint of one column in one dataset."""

    count: int = 0
    rows: list[Any] = field(default_factory=list)
    values: list[Any] = field(default_factory=list)


def constraint_violations(
    bundle: DataBundle, dataset: Dataset
) -> dict[tuple[str, str], Violations]:
    """``{(column, "nullable" | "min" | "max" | "allowed"): Violations}``, cached per dataset."""
    key = f"violations:{dataset.role}"
    if key not in bundle._cache:
        bundle._cache[key] = _validate(bundle, dataset)
    cached: dict[tuple[str, str], Violations] = bundle._cache[key]
    return cached


def _validate(bundle: DataBundle, dataset: Dataset) -> dict[tuple[str, str], Violations]:
    import pandera.pandas as pa

    frame = dataset.frame
    skip = (bundle.label or "",) if dataset.role == "production" else ()
    present = {n: c for n, c in bundle.columns.items() if n in frame.columns}
    schema = to_pandera(present, frame, skip=skip)
    names = {n: [name for name, _ in _constraints(c, frame[n])] for n, c in present.items()}
    found: dict[tuple[str, str], Violations] = defaultdict(Violations)
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        for (column, check, number), group in cases.groupby(
            ["column", "check", "check_number"], dropna=False, sort=False
        ):
            if check == "not_nullable":
                constraint = "nullable"
            elif number is None or number != number:  # NaN: not one of our checks
                continue
            else:
                constraint = names[str(column)][int(number)]
            entry = found[(str(column), constraint)]
            entry.count += len(group)
            entry.rows += list(group["index"].head(EXAMPLES))
            entry.values += list(group["failure_case"].head(EXAMPLES))
    return dict(found)


def check_missing_values(bundle: DataBundle) -> CheckResult:
    findings: list[Finding] = []
    cells = missing = 0
    for dataset in bundle.datasets:
        frame = dataset.frame
        nulls = frame.isna().sum()
        cells += frame.size
        missing += int(nulls.sum())
        violations = constraint_violations(bundle, dataset)
        for column, count in nulls[nulls > 0].items():
            column = str(column)
            share = int(count) / len(frame)
            where = f"{dataset.source}: {percent(share)} of {column!r} is missing"
            if column in bundle.columns:
                if bundle.columns[column].nullable:
                    continue
                rows = violations.get((column, "nullable"), Violations()).rows
                findings.append(
                    finding(
                        "missing_values",
                        "fail",
                        f"{where}; the schema says nullable = false",
                        column=column,
                        dataset=dataset.role,
                        count=int(count),
                        share=share,
                        rows=rows[:EXAMPLES],
                    )
                )
            elif not (dataset.role == "production" and column not in bundle.features):
                rows = example_rows(frame[column].isna())
                findings.append(
                    finding(
                        "missing_values",
                        "warn",
                        f"{where}; describe it in [data.columns] (nullable = true if expected)",
                        column=column,
                        dataset=dataset.role,
                        count=int(count),
                        share=share,
                        rows=rows,
                    )
                )
    ratio = missing / cells if cells else 0.0
    return result(
        "data.missing_values",
        findings,
        worst_summary(findings, f"{percent(ratio)} of cells missing, all allowed"),
        {"missing_ratio": ratio},
    )


def check_out_of_range(bundle: DataBundle) -> CheckResult:
    findings: list[Finding] = []
    bad_total = checked = 0
    for dataset in bundle.datasets:
        violations = constraint_violations(bundle, dataset)
        for column, spec in bundle.columns.items():
            if (spec.min is None and spec.max is None) or column not in dataset.frame.columns:
                continue
            checked += len(dataset.frame)
            low = violations.get((column, "min"), Violations())
            high = violations.get((column, "max"), Violations())
            count = low.count + high.count
            if not count:
                continue
            bad_total += count
            series = dataset.frame[column]
            share = count / len(dataset.frame)
            findings.append(
                finding(
                    "out_of_range",
                    "fail",
                    f"{dataset.source}: {count:,} values of {column!r} "
                    f"({percent(share)}) are outside [{_b(spec.min)}, {_b(spec.max)}]; seen "
                    f"{series.min()} to {series.max()}",
                    column=column,
                    dataset=dataset.role,
                    count=count,
                    share=share,
                    below=low.count,
                    above=high.count,
                    rows=(low.rows + high.rows)[:EXAMPLES],
                    values=(low.values + high.values)[:EXAMPLES],
                )
            )
    ratio = bad_total / checked if checked else 0.0
    return result(
        "data.out_of_range",
        findings,
        worst_summary(findings, "every bounded value is in range"),
        {"out_of_range_ratio": ratio},
    )


def _b(bound: float | str | None) -> str:
    return "…" if bound is None else f"{bound:g}" if isinstance(bound, float) else str(bound)


def check_unexpected_category(bundle: DataBundle) -> CheckResult:
    import pandas as pd

    findings: list[Finding] = []
    for dataset in bundle.datasets:
        violations = constraint_violations(bundle, dataset)
        for column, spec in bundle.columns.items():
            entry = violations.get((column, "allowed"))
            if spec.allowed is None or entry is None or column not in dataset.frame.columns:
                continue
            series = dataset.frame[column]
            texts = {str(a) for a in spec.allowed}
            counts = series.dropna().value_counts()
            unexpected = counts[~pd.Index(counts.index.astype(str)).isin(texts)]
            top = {str(k): int(v) for k, v in unexpected.head(5).items()}
            findings.append(
                finding(
                    "unexpected_category",
                    "fail",
                    f"{dataset.source}: {entry.count:,} values of "
                    f"{column!r} are not in allowed {sorted(texts)}: "
                    + ", ".join(f"{k!r} x{v}" for k, v in top.items()),
                    column=column,
                    dataset=dataset.role,
                    count=entry.count,
                    unexpected=top,
                    rows=entry.rows[:EXAMPLES],
                )
            )
    return result(
        "data.unexpected_category",
        findings,
        worst_summary(findings, "every category value is allowed"),
        {"unexpected_categories": sum(len(f.evidence["unexpected"]) for f in findings)},
    )


def check_string_mismatch(bundle: DataBundle) -> CheckResult:
    """Category values that differ only in case or whitespace ("Red", "red ", "RED")."""
    findings: list[Finding] = []
    for dataset in bundle.datasets:
        for column in map(str, dataset.frame.columns):
            series = dataset.frame[column]
            declared = bundle.columns[column].type if column in bundle.columns else None
            if not is_text(series) or declared in ("string", "datetime"):
                continue
            counts = series.dropna().astype(str).value_counts()
            if len(counts) > 10_000:  # free text, not categories
                continue
            keys = counts.index.str.strip().str.lower().str.replace(r"\s+", " ", regex=True)
            groups: dict[str, dict[str, int]] = defaultdict(dict)
            for raw, key, count in zip(counts.index, keys, counts.to_numpy(), strict=True):
                groups[key][raw] = int(count)
            for variants in (v for v in groups.values() if len(v) > 1):
                shown = ", ".join(f"{k!r} x{n}" for k, n in variants.items())
                findings.append(
                    finding(
                        "string_mismatch",
                        "warn",
                        f"{dataset.source}: {column!r} spells one "
                        f"value {len(variants)} ways: {shown}",
                        column=column,
                        dataset=dataset.role,
                        variants=variants,
                    )
                )
    return result(
        "data.string_mismatch",
        findings,
        worst_summary(findings, "no case or whitespace variants"),
        {"string_mismatches": len(findings)},
    )
