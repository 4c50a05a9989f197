"""``data.schema`` (columns and types) and ``data.mixed_types``."""

from __future__ import annotations

from sekit.checks.findings import finding, outcome, percent, worst_summary
from sekit.checks.spec import CheckSpec, Kind, Metric, MltsClaim, Rule, on
from sekit.results import Finding, Outcome
from sekit.subjects.datasets import DataBundle, bundle_from_config
from sekit.subjects.types import conforms, is_text, text_profile


def check_schema(bundle: DataBundle) -> Outcome:
    """Columns the schema or the training set promise, present everywhere with the right type."""
    findings: list[Finding] = []
    train_columns = [str(c) for c in bundle.train.frame.columns]
    for dataset in bundle.datasets:
        present = set(map(str, dataset.frame.columns))
        expected = dict.fromkeys(bundle.columns)
        if dataset.role != "train":
            expected.update(dict.fromkeys(train_columns))
        if dataset.role == "production":
            expected.pop(bundle.label or "", None)  # served inputs carry no label
        for column in [c for c in expected if c not in present]:
            origin = "the schema" if column in bundle.columns else "the training set"
            findings.append(
                finding(
                    SCHEMA_MISMATCH,
                    "fail",
                    f"{dataset.source}: column {column!r} from {origin} is missing",
                    column=column,
                    dataset=dataset.role,
                    problem="missing",
                )
            )
        if dataset.role == "test":
            for column in sorted(present - set(train_columns)):
                findings.append(
                    finding(
                        SCHEMA_MISMATCH,
                        "warn",
                        f"{dataset.source}: column {column!r} is not in the training set",
                        column=column,
                        dataset=dataset.role,
                        problem="extra",
                    )
                )
        for column, spec in bundle.columns.items():
            if column not in present:
                continue
            ok, actual = conforms(dataset.frame[column], spec.type)
            if not ok:
                findings.append(
                    finding(
                        SCHEMA_MISMATCH,
                        "fail",
                        f"{dataset.source}: {column!r} should be {spec.type} but is {actual}",
                        column=column,
                        dataset=dataset.role,
                        problem="type",
                        expected=spec.type,
                        actual=actual,
                    )
                )
    if bundle.columns:
        undescribed = [
            c
            for c in train_columns
            if c not in bundle.columns and c != bundle.label and c not in bundle.ignore
        ]
        for column in undescribed:
            findings.append(
                finding(
                    SCHEMA_MISMATCH,
                    "warn",
                    f"column {column!r} is not described in [data.columns]",
                    column=column,
                    dataset="train",
                    problem="undescribed",
                )
            )
    else:
        findings.append(
            finding(
                SCHEMA_MISMATCH,
                "info",
                "no [data.columns] schema: only the datasets are compared with each other",
                problem="no_schema",
            )
        )
    metrics = {
        f"{d.role}_rows" if d.role != "train" else "rows": len(d.frame) for d in bundle.datasets
    }
    metrics["columns"] = len(train_columns)
    shapes = ", ".join(f"{d.role} {len(d.frame):,}x{len(d.frame.columns)}" for d in bundle.datasets)
    return outcome(findings, worst_summary(findings, f"schema holds ({shapes})"), metrics)


def check_mixed_types(bundle: DataBundle) -> Outcome:
    """Numbers stored as text, and columns that mix value types."""
    findings: list[Finding] = []
    checked = 0
    for dataset in bundle.datasets:
        for column in map(str, dataset.frame.columns):
            series = dataset.frame[column]
            declared = bundle.columns[column].type if column in bundle.columns else None
            if not is_text(series) or declared == "string" or declared == "datetime":
                continue
            checked += 1
            profile = text_profile(series)
            if profile.non_null == 0:
                continue
            types = {k: v for k, v in profile.python_types.items() if k != "NoneType"}
            where = f"{dataset.source}: {column!r}"
            # Undeclared, a column of mixed values may be what the source writes (R's 'T' for
            # a trace of rain): it warns; against a declared type it fails.
            if len(types) > 1:
                mix = ", ".join(f"{n} {t}" for t, n in sorted(types.items()))
                findings.append(
                    finding(
                        MIXED_TYPES,
                        "fail" if declared in ("float", "int") else "warn",
                        f"{where} mixes value types ({mix})",
                        column=column,
                        dataset=dataset.role,
                        types=types,
                    )
                )
            elif 0 < profile.numeric_share < 1 and declared != "category":
                severity = "fail" if declared in ("float", "int") else "warn"
                findings.append(
                    finding(
                        MIXED_TYPES,
                        severity,
                        f"{where} is {percent(profile.numeric_share)} "
                        f"numbers and the rest text, e.g. {profile.text_examples[:3]}",
                        column=column,
                        dataset=dataset.role,
                        numeric_share=profile.numeric_share,
                        text_examples=profile.text_examples,
                        numeric_examples=profile.numeric_examples,
                    )
                )
            elif profile.numeric_share == 1 and declared != "category":
                severity = "fail" if declared in ("float", "int") else "warn"
                findings.append(
                    finding(
                        MIXED_TYPES,
                        severity,
                        f"{where} holds numbers stored as text, e.g. "
                        f"{profile.numeric_examples[:3]}",
                        column=column,
                        dataset=dataset.role,
                        numeric_share=1.0,
                    )
                )
    return outcome(
        findings,
        worst_summary(findings, f"no mixed types in {checked} text columns"),
        {"mixed_type_columns": len({(f.column) for f in findings})},
    )


# --- declarations ----------------------------------------------------------------------

SCHEMA_MISMATCH = Kind(
    "schema_mismatch",
    "a missing or extra column, or a column of the wrong type",
    (
        "The pipeline and the service assume a schema; a missing or retyped column breaks them at "
        "the worst time, in production."
    ),
    "Compare the columns and types of the datasets named in the finding with [data.columns].",
    "Fix the producer of the data, or update the schema and the code together in one change.",
)
DATA_ROWS = Metric(
    "data.rows",
    "rows in the training set",
    "Too few rows and every metric is noise; a sudden drop means the ingest lost data.",
    "Compare with the previous run's report.",
    "Fix the ingest; gather more data.",
    gate="min = 1000",
)
MIXED_TYPES = Kind(
    "mixed_types",
    "a column that mixes value types, such as numbers stored as text",
    (
        "A numeric column with text in it ('n/a', '12,5') is read as text: the model either "
        "crashes "
        "or treats numbers as categories."
    ),
    (
        "Look at the text examples in the evidence: units, decimal commas, placeholders for "
        "missing "
        "values?"
    ),
    (
        "Parse the column in the sanitize stage (map placeholders to missing, fix decimal "
        "separators) and declare its type in [data.columns]."
    ),
)

SCHEMA_EXPECTATIONS = MltsClaim(
    "data-1", "'encode [feature expectations] in a schema ... and test that the data meets it'"
)

SCHEMA_CHECK = CheckSpec(
    id="data.schema",
    title="columns and types match the schema",
    func=on(bundle_from_config, check_schema),
    emits="`schema_mismatch`: missing column or wrong type (fail), extra or undescribed "
    "column (warn)",
    kinds=(SCHEMA_MISMATCH,),
    metrics=(DATA_ROWS,),
    settings=("[data.columns]",),
    mlts=(SCHEMA_EXPECTATIONS,),
    deepchecks={"DatasetsSizeComparison": Rule(SCHEMA_MISMATCH, "warn")},
)

MIXED_TYPES_CHECK = CheckSpec(
    id="data.mixed_types",
    title="no numbers stored as text, no mixed types",
    func=on(bundle_from_config, check_mixed_types),
    emits="`mixed_types`: numbers stored as text, mixed value types (fail; warn without schema)",
    kinds=(MIXED_TYPES,),
    settings=("[data.columns.<name>].type",),
    deepchecks={
        "SpecialCharacters": Rule(MIXED_TYPES, "warn"),
        "MixedDataTypes": Rule(MIXED_TYPES, "fail"),
    },
)
