"""Repeated rows: ``duplicate_rows`` and ``conflicting_labels`` (equal features, different
labels). Vectorised; row identity is a shared 64-bit row hash.
"""

from __future__ import annotations

from sekit.checks.data.bundle import DataBundle, bundle_from_config
from sekit.checks.findings import example_rows, finding, percent, result, worst_summary
from sekit.checks.spec import CheckSpec, Kind, Metric, Rule, on
from sekit.config.data import Quality
from sekit.results import CheckResult, Finding


def check_duplicates(bundle: DataBundle) -> CheckResult:
    findings: list[Finding] = []
    metrics: dict[str, float] = {}
    limit = bundle.quality.max_duplicate_ratio
    for dataset in (d for d in bundle.datasets if d.role != "production"):
        columns = [str(c) for c in dataset.frame.columns]
        hashes = bundle.row_hashes(dataset.role, columns)
        duplicated = hashes.duplicated()
        count = int(duplicated.sum())
        share = count / len(hashes)
        metrics[
            "duplicate_ratio" if dataset.role == "train" else f"{dataset.role}_duplicate_ratio"
        ] = share
        if not count:
            continue
        rows = example_rows(duplicated)
        first = hashes[hashes == hashes[rows[0]]].index[0] if rows else None
        findings.append(
            finding(
                "duplicate_rows",
                "fail" if share > limit else "warn",
                f"{dataset.source}: {count:,} rows ({percent(share)}) repeat an earlier row"
                + (f" (limit {percent(limit)})" if share > limit else ""),
                dataset=dataset.role,
                count=count,
                share=share,
                rows=rows,
                first_copy_of=first,
            )
        )
    return result(
        "data.duplicates", findings, worst_summary(findings, "no duplicate rows"), metrics
    )


def check_conflicting_labels(bundle: DataBundle) -> CheckResult:
    import pandas as pd

    if bundle.label is None:
        return CheckResult.skipped(
            id="data.conflicting_labels", suite="data", reason="no label column (data.label)"
        )
    if not bundle.is_classification():
        return CheckResult.skipped(
            id="data.conflicting_labels",
            suite="data",
            reason="the label is continuous (regression)",
        )
    findings: list[Finding] = []
    metrics: dict[str, float] = {}
    limit = bundle.quality.max_conflicting_ratio
    for dataset in (d for d in (bundle.train, bundle.test) if d is not None):
        features = bundle.shared_features(dataset)
        hashes = bundle.row_hashes(dataset.role, features)
        pairs = pd.DataFrame({"h": hashes.to_numpy(), "y": dataset.frame[bundle.label].to_numpy()})
        distinct = pairs.drop_duplicates()
        conflicted = distinct["h"][distinct["h"].duplicated()].unique()
        involved = hashes.isin(conflicted)
        count = int(involved.sum())
        share = count / len(hashes)
        metrics["conflicting_ratio" if dataset.role == "train" else "test_conflicting_ratio"] = (
            share
        )
        if not count:
            continue
        rows = example_rows(involved)
        labels = dataset.frame.loc[hashes == hashes[rows[0]], bundle.label].unique().tolist()
        findings.append(
            finding(
                "conflicting_labels",
                "fail" if share > limit else "warn",
                f"{dataset.source}: {len(conflicted):,} feature rows appear with different labels "
                f"({count:,} rows, {percent(share)}), e.g. rows {rows[:3]} labelled {labels[:4]}",
                dataset=dataset.role,
                groups=len(conflicted),
                count=count,
                share=share,
                rows=rows,
                labels=labels[:10],
            )
        )
    return result(
        "data.conflicting_labels",
        findings,
        worst_summary(findings, "every feature row has one label"),
        metrics,
    )


# --- declarations ----------------------------------------------------------------------

DUPLICATE_ROWS = Kind(
    "duplicate_rows",
    "identical rows repeated in a dataset",
    (
        "Duplicates overweight some examples, and when copies land in both train and test the test "
        "score is inflated."
    ),
    (
        "Check whether the duplicates are real repeated events or an ingest that ran twice or a "
        "join that multiplied rows."
    ),
    (
        "Deduplicate in the sanitize stage (before the split) or fix the ingest; keep genuine "
        "repeats only if the model should see them weighted."
    ),
)
DATA_DUPLICATE_RATIO = Metric(
    "data.duplicate_ratio",
    "share of duplicate rows in the training set",
    "Duplicates in training overweight some rows and leak into test.",
    "See duplicate_rows.",
    "Deduplicate before the split.",
    gate="max = 0.01",
)
CONFLICTING_LABELS = Kind(
    "conflicting_labels",
    "identical feature rows that carry different labels",
    (
        "The same input with two labels caps the accuracy any model can reach and points to label "
        "noise or a missing feature."
    ),
    (
        "Inspect the groups in the evidence: is one label a data-entry error, or does a feature "
        "that would separate them not exist in the data?"
    ),
    "Fix or drop the wrong labels (a labelling guideline helps), or add the missing feature.",
)


SPECS = (
    CheckSpec(
        id="data.duplicates",
        title="no duplicate rows",
        func=on(bundle_from_config, check_duplicates),
        emits="`duplicate_rows`: warn; fail above `[data.quality].max_duplicate_ratio` (5%)",
        kinds=(DUPLICATE_ROWS,),
        metrics=(DATA_DUPLICATE_RATIO,),
        deepchecks={"DataDuplicates": Rule("duplicate_rows", "warn")},
        section=("[data.quality]", Quality),
        settings=("[data.quality].max_duplicate_ratio",),
        order=30,
    ),
    CheckSpec(
        id="data.conflicting_labels",
        title="equal features, equal labels",
        func=on(bundle_from_config, check_conflicting_labels),
        emits="`conflicting_labels`: warn; fail above `[data.quality].max_conflicting_ratio` (1%)",
        kinds=(CONFLICTING_LABELS,),
        deepchecks={"ConflictingLabels": Rule("conflicting_labels", "warn")},
        section=("[data.quality]", Quality),
        settings=("[data.quality].max_conflicting_ratio",),
        order=31,
    ),
)
