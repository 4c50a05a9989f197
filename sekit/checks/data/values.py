"""Value constraints from ``[data.columns]``: ``missing_values``, ``out_of_range``,
``unexpected_category``.

The constraints (nullable, min, max, allowed) are a pandera schema, built by
:func:`sekit.subjects.columns.to_pandera`, so a team's own pipeline can validate with exactly
the schema that sekit checks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sekit.checks.data.schema import SCHEMA_EXPECTATIONS
from sekit.checks.findings import example_rows, finding, outcome, percent, worst_summary
from sekit.checks.spec import CheckSpec, Kind, Metric, Rule, on
from sekit.results import Finding, Outcome
from sekit.subjects.columns import constraints, to_pandera
from sekit.subjects.datasets import DataBundle, Dataset, bundle_from_config

EXAMPLES = 10


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
    names = {n: [name for name, _ in constraints(c, frame[n])] for n, c in present.items()}
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


def check_missing_values(bundle: DataBundle) -> Outcome:
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
                        MISSING_VALUES,
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
                        MISSING_VALUES,
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
    return outcome(
        findings,
        worst_summary(findings, f"{percent(ratio)} of cells missing, all allowed"),
        {"missing_ratio": ratio},
    )


def check_out_of_range(bundle: DataBundle) -> Outcome:
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
                    OUT_OF_RANGE,
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
    return outcome(
        findings,
        worst_summary(findings, "every bounded value is in range"),
        {"out_of_range_ratio": ratio},
    )


def _b(bound: float | str | None) -> str:
    return "…" if bound is None else f"{bound:g}" if isinstance(bound, float) else str(bound)


def check_unexpected_category(bundle: DataBundle) -> Outcome:
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
                    UNEXPECTED_CATEGORY,
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
    return outcome(
        findings,
        worst_summary(findings, "every category value is allowed"),
        {"unexpected_categories": sum(len(f.evidence["unexpected"]) for f in findings)},
    )


# --- declarations ----------------------------------------------------------------------

MISSING_VALUES = Kind(
    "missing_values",
    "null values in a column the schema declares nullable = false",
    (
        "Models fail or silently impute on missing values, and a column that suddenly has gaps "
        "usually means an upstream source or join broke."
    ),
    (
        "Look at the rows in the finding's evidence: do they share a source, a date, a value of "
        "another column? Compare with the raw data before sanitize."
    ),
    (
        "Fix the source or the join; if gaps are legitimate, impute in the model pipeline and "
        "declare `nullable = true` for the column."
    ),
)
DATA_MISSING_RATIO = Metric(
    "data.missing_ratio",
    "share of missing cells over all datasets",
    "The share of missing cells measures completeness across all datasets.",
    "See the missing_values findings per column.",
    "Fix the sources or impute on purpose.",
    gate="max = 0.05",
)
OUT_OF_RANGE = Kind(
    "out_of_range",
    "values below the schema's min or above its max",
    (
        "Values outside physical or business limits are data errors or a changed unit; a model "
        "extrapolates on them without warning."
    ),
    (
        "Check the example rows and values: a unit change (cm vs m), a sentinel such as -1, or a "
        "genuinely new range?"
    ),
    (
        "Fix the source or convert units in sanitize; if the range really changed, update min and "
        "max in [data.columns] deliberately and retrain."
    ),
)
UNEXPECTED_CATEGORY = Kind(
    "unexpected_category",
    "a category value outside the schema's allowed list",
    (
        "A category the model never saw is encoded as unknown or breaks the encoder: predictions "
        "for it are guesses."
    ),
    "Which new values appear, and since when? Spelling variants, a new product, a renamed code?",
    (
        "Map variants to known values in sanitize, or add the new value to `allowed` and collect "
        "training data for it."
    ),
)
MISSING_VALUES_CHECK = CheckSpec(
    id="data.missing_values",
    title="no missing values where the schema forbids them",
    func=on(bundle_from_config, check_missing_values),
    emits="`missing_values` where `nullable = false` (fail)",
    kinds=(MISSING_VALUES,),
    metrics=(DATA_MISSING_RATIO,),
    settings=("[data.columns.<name>].nullable",),
    mlts=(SCHEMA_EXPECTATIONS,),
    deepchecks={
        "MixedNulls": Rule(MISSING_VALUES, "warn"),
        "PercentOfNulls": Rule(MISSING_VALUES, "warn"),
    },
)

OUT_OF_RANGE_CHECK = CheckSpec(
    id="data.out_of_range",
    title="values within min/max",
    func=on(bundle_from_config, check_out_of_range),
    emits="`out_of_range` (fail)",
    kinds=(OUT_OF_RANGE,),
    settings=("[data.columns.<name>].min/max",),
    mlts=(SCHEMA_EXPECTATIONS,),
)

UNEXPECTED_CATEGORY_CHECK = CheckSpec(
    id="data.unexpected_category",
    title="categories within allowed",
    func=on(bundle_from_config, check_unexpected_category),
    emits="`unexpected_category` (fail)",
    kinds=(UNEXPECTED_CATEGORY,),
    settings=("[data.columns.<name>].allowed",),
    mlts=(SCHEMA_EXPECTATIONS,),
    deepchecks={"NewCategoryTrainTest": Rule(UNEXPECTED_CATEGORY, "warn")},
)
