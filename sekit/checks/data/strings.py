"""``data.string_mismatch``: case and whitespace variants of one category ("Red", "red ")."""

from __future__ import annotations

from collections import defaultdict

from sekit.checks.findings import finding, outcome, worst_summary
from sekit.checks.spec import CheckSpec, Kind, Rule, on
from sekit.results import Finding, Outcome
from sekit.subjects.datasets import DataBundle, bundle_from_config
from sekit.subjects.types import is_text


def check_string_mismatch(bundle: DataBundle) -> Outcome:
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
                        STRING_MISMATCH,
                        "warn",
                        f"{dataset.source}: {column!r} spells one "
                        f"value {len(variants)} ways: {shown}",
                        column=column,
                        dataset=dataset.role,
                        variants=variants,
                    )
                )
    return outcome(
        findings,
        worst_summary(findings, "no case or whitespace variants"),
        {"string_mismatches": len(findings)},
    )


# --- declarations ----------------------------------------------------------------------

STRING_MISMATCH = Kind(
    "string_mismatch",
    "case or whitespace variants of one category",
    (
        "'Red', 'red ' and 'RED' become three categories: the model splits what is one signal and "
        "meets unknown spellings in production."
    ),
    "See the variants and their counts in the evidence.",
    "Normalise case and whitespace in sanitize, and validate with `allowed`.",
)


STRING_MISMATCH_CHECK = CheckSpec(
    id="data.string_mismatch",
    title="no case/whitespace variants of a category",
    func=on(bundle_from_config, check_string_mismatch),
    emits='`string_mismatch`: `"Red"`, `"red "` (warn)',
    kinds=(STRING_MISMATCH,),
    deepchecks={
        "StringMismatch": Rule(STRING_MISMATCH, "warn"),
        "StringMismatchComparison": Rule(STRING_MISMATCH, "warn"),
    },
)
