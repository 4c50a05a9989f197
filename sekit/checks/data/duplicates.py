"""Repeated rows: ``duplicate_rows`` and ``conflicting_labels`` (equal features, different
labels), judged against chance.

Identical rows are only a fault when chance cannot explain them (:mod:`.chance`): two copies of
a record with measured numbers are, the same five answers to a survey from two people are not.
Rows whose pattern chance explains are reported as ``info`` and never count towards the
limits. Vectorised; row identity is a shared 64-bit row hash.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sekit.checks.data import chance, measured, pairs
from sekit.checks.data.entities import entities, repeats_of_entities
from sekit.checks.data.repeats import (
    MIN_COPIES,
    split_by_chance,
    unique_valued,
    with_unique_value,
)
from sekit.checks.findings import example_rows, finding, outcome, percent, worst_summary
from sekit.checks.spec import CheckSpec, Kind, Metric, Rule, default, on, share
from sekit.config.data import Quality
from sekit.results import Finding, Outcome
from sekit.subjects.datasets import DataBundle, Dataset, bundle_from_config

if TYPE_CHECKING:
    import pandas as pd


def _excess_findings(
    bundle: DataBundle, dataset: Dataset, metrics: dict[str, float], prefix: str
) -> list[Finding]:
    """Copies that each look like chance, seen together: more repeated rows than a random split
    of train and test together puts in this set (:mod:`.pairs`)."""
    if bundle.test is None:
        return []
    columns = [str(c) for c in bundle.train.frame.columns if c in bundle.test.frame.columns]
    key = f"pairs:{'|'.join(columns)}"  # one comparison serves train and test
    if key not in bundle._cache:
        train, test = bundle.row_hashes("train", columns), bundle.row_hashes("test", columns)
        bundle._cache[key] = pairs.compare(train, test)
    split: pairs.Split | None = bundle._cache[key]
    if split is None:
        return []
    repeats = split.train_repeats if dataset.role == "train" else split.test_repeats
    metrics[f"{prefix}excess_duplicate_ratio"] = repeats.share
    if not repeats.significant:
        return []
    limit = bundle.quality.max_duplicate_ratio
    return [
        finding(
            DUPLICATE_ROWS,
            "fail" if repeats.share > limit else "warn",
            f"{dataset.source}: {repeats.observed:,} rows repeat an earlier row where a random "
            f"split of train and test together gives {repeats.expected:,.0f} on average "
            f"(p = {repeats.p_value:.2g}): about {percent(repeats.share)} of the rows look "
            "copied, though each alone could be chance",
            dataset=dataset.role,
            count=repeats.observed,
            expected=repeats.expected,
            share=repeats.share,
            p_value=repeats.p_value,
        )
    ]


def _copied_findings(
    bundle: DataBundle, dataset: Dataset, columns: list[str], hashes: pd.Series, within: pd.Series
) -> list[Finding]:
    """Rows that repeat an earlier row down to a value no other record holds: copies,
    certain without a model of chance (:func:`.repeats.unique_valued`)."""
    shared = [c for c in columns if c in bundle.train.frame.columns]
    unique = unique_valued(bundle, shared)
    copied = hashes.duplicated() & with_unique_value(dataset.frame, unique) & ~within
    count = int(copied.sum())
    if not count:
        return []
    share = count / len(hashes)
    limit = bundle.quality.max_duplicate_ratio
    shown = ", ".join(" and ".join(repr(c) for c in group) for group in unique[:3])
    return [
        finding(
            DUPLICATE_ROWS,
            "fail" if share > limit and count >= MIN_COPIES else "warn",
            f"{dataset.source}: {count:,} rows ({percent(share)}) are copies of an earlier row, "
            f"equal down to values no other record holds ({shown}); limit {percent(limit)}",
            dataset=dataset.role,
            count=count,
            share=share,
            unique_columns=[list(group) for group in unique],
            rows=example_rows(copied),
        )
    ]


def check_duplicates(bundle: DataBundle) -> Outcome:
    findings: list[Finding] = []
    metrics: dict[str, float] = {}
    found = entities(bundle)
    for dataset in (d for d in bundle.datasets if d.role != "production"):
        columns = [str(c) for c in dataset.frame.columns if c != bundle.group]
        hashes = bundle.row_hashes(dataset.role, columns)
        copies, coincidences = split_by_chance(bundle, dataset, columns, hashes)
        # a row that repeats a row of its own entity is a repeated measurement (data.entities)
        within = repeats_of_entities(bundle, dataset, hashes)
        copies, coincidences = copies & ~within, coincidences & ~within
        count, typical = int(copies.sum()), int(coincidences.sum())
        share = count / len(hashes)
        prefix = "" if dataset.role == "train" else f"{dataset.role}_"
        metrics[f"{prefix}duplicate_ratio"] = share
        metrics[f"{prefix}chance_duplicate_ratio"] = typical / len(hashes)
        # (a copy down to a value no other record holds is one, even of an entity a column
        # names; a declared group's repeats are the team's word, and feature vectors that recur
        # with other labels were measured again)
        exempt = found is not None and (found.declared is not None or found.by is None)
        declared = within if exempt else within & False
        # (a grouped split of repeated entities keeps each entity's rows together: more
        # repeats than a random re-split, and rightly so)
        excess = (
            _excess_findings(bundle, dataset, metrics, prefix)
            if dataset.role in ("train", "test") and found is None
            else []
        )
        if not excess:
            excess = _copied_findings(bundle, dataset, columns, hashes, declared)
        if count and not excess:
            rows = example_rows(copies)
            first = hashes[hashes == hashes[rows[0]]].index[0] if rows else None
            # A model of chance that takes columns as independent undercounts honest repeats
            # in coarse, correlated data (passengers of one class, sex and age): it warns; the
            # count against re-splits (_excess_findings), whose null is the data's own, blocks.
            findings.append(
                finding(
                    DUPLICATE_ROWS,
                    "warn",
                    f"{dataset.source}: {count:,} rows ({percent(share)}) are copies of an "
                    "earlier row that a model of chance would not produce"
                    + measured.note("duplicate_rows"),
                    dataset=dataset.role,
                    count=count,
                    share=share,
                    rows=rows,
                    first_copy_of=first,
                    chance_alpha=chance.ALPHA,
                )
            )
        findings += excess
        if typical:
            findings.append(
                finding(
                    DUPLICATE_ROWS,
                    "info",
                    f"{dataset.source}: {typical:,} rows ({percent(typical / len(hashes))}) repeat "
                    "a pattern as often as chance does (common values, such as identical "
                    "survey answers): not counted as copies",
                    dataset=dataset.role,
                    count=typical,
                    rows=example_rows(coincidences),
                )
            )
    return outcome(
        findings,
        worst_summary(findings, "no copied rows"),
        metrics,
    )


def _one_entity(bundle: DataBundle, dataset: Dataset, hashes: pd.Series) -> pd.Series:
    """Rows whose feature vector occurs only within one entity: one person measured twice
    with two outcomes is not a labelling conflict (data.entities reports them)."""
    import pandas as pd

    found = entities(bundle)
    key = found.key(dataset.role) if found is not None else None
    if found is None or key is None:
        return pd.Series(False, index=hashes.index)
    if found.by is None:
        return key.notna()
    spans = pd.Series(key.to_numpy()).groupby(hashes.to_numpy()).nunique()
    single = hashes.map(spans) <= 1
    return pd.Series(single.to_numpy(dtype=bool), index=hashes.index) & key.notna()


def check_conflicting_labels(bundle: DataBundle) -> Outcome:
    import pandas as pd

    if bundle.label is None:
        return Outcome.skipped(reason="no label column (data.label)")
    if not bundle.is_classification():
        return Outcome.skipped(
            reason="the label is continuous (regression)",
        )
    findings: list[Finding] = []
    metrics: dict[str, float] = {}
    # Label noise is normal: equal inputs with different labels fail only above a share the
    # team declared ([data.quality].max_conflicting_ratio).
    limit = bundle.quality.max_conflicting_ratio
    for dataset in (d for d in (bundle.train, bundle.test) if d is not None):
        features = bundle.shared_features(dataset)
        hashes = bundle.row_hashes(dataset.role, features)
        pairs = pd.DataFrame({"h": hashes.to_numpy(), "y": dataset.frame[bundle.label].to_numpy()})
        distinct = pairs.drop_duplicates()
        conflicted = pd.Series(distinct["h"][distinct["h"].duplicated()].unique())
        involved = hashes.isin(conflicted)
        real = involved & False
        if involved.any():
            beyond, _ = split_by_chance(bundle, dataset, features, hashes, involved)
            real = hashes.isin(hashes[beyond]) & involved
            real &= ~_one_entity(bundle, dataset, hashes)
        count = int(real.sum())
        share = count / len(hashes)
        key = "conflicting_ratio" if dataset.role == "train" else "test_conflicting_ratio"
        metrics[key] = share
        if count:
            rows = example_rows(real)
            labels = dataset.frame.loc[hashes == hashes[rows[0]], bundle.label].unique().tolist()
            groups = int(hashes[real].nunique())
            findings.append(
                finding(
                    CONFLICTING_LABELS,
                    "fail" if limit is not None and share > limit else "warn",
                    f"{dataset.source}: {groups:,} records appear with different labels "
                    f"({count:,} rows, {percent(share)}), e.g. rows {rows[:3]} labelled "
                    f"{labels[:4]}: label noise, a missing feature or a labelling error (if "
                    "they are one entity measured at different times, declare [data].group = "
                    '"column")' + measured.note("conflicting_labels"),
                    dataset=dataset.role,
                    groups=groups,
                    count=count,
                    share=share,
                    rows=rows,
                    labels=labels[:10],
                )
            )
        noise = int((involved & ~real).sum())
        if noise:
            findings.append(
                finding(
                    CONFLICTING_LABELS,
                    "info",
                    f"{dataset.source}: {noise:,} rows share common feature values with rows of "
                    "another label, as chance makes them: the label is not fully determined by "
                    "the features (noise the model cannot remove), not a labelling fault",
                    dataset=dataset.role,
                    count=noise,
                )
            )
    return outcome(
        findings,
        worst_summary(findings, "no record has two labels"),
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
    trust=measured.trust(
        "duplicate_rows",
        "Blocks when a test set shows more repeated rows in train (or test) than 1,999 random "
        "re-splits of the pooled rows put there (p < 0.001), above "
        "[data.quality].max_duplicate_ratio: the null is the data's own. Copies that only a "
        "model of chance calls copies (a group chance would produce with probability under "
        "0.1%, columns taken as independent) warn: coarse, correlated columns repeat honestly "
        "more often than it thinks. Repeats of an entity's row are measurements, not copies.",
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
    trust=measured.trust(
        "conflicting_labels",
        "Warns: equal inputs with different labels are the normal noise of a classification "
        "problem (two shoppers with the same prices and loyalty buying differently). Only "
        "groups a model of chance would not make count; set "
        "[data.quality].max_conflicting_ratio to make more than that share fail.",
    ),
)


DUPLICATES_CHECK = CheckSpec(
    id="data.duplicates",
    title="no duplicate rows",
    func=on(bundle_from_config, check_duplicates),
    emits="`duplicate_rows`: with a test set, repeats beyond random re-splits of the pooled "
    f"rows: fail above `[data.quality].max_duplicate_ratio` "
    f"({share(default(Quality, 'max_duplicate_ratio'))}), warn below; copies a model "
    "of chance would not make: warn; coincidences are info",
    kinds=(DUPLICATE_ROWS,),
    metrics=(DATA_DUPLICATE_RATIO,),
    deepchecks={"DataDuplicates": Rule(DUPLICATE_ROWS, "warn")},
    section=("[data.quality]", Quality),
    settings=("[data.quality].max_duplicate_ratio",),
)

CONFLICTING_LABELS_CHECK = CheckSpec(
    id="data.conflicting_labels",
    title="equal features, equal labels",
    func=on(bundle_from_config, check_conflicting_labels),
    emits="`conflicting_labels` among rows chance would not make identical: warn (label "
    "noise is normal); fail above `[data.quality].max_conflicting_ratio` when it is set",
    kinds=(CONFLICTING_LABELS,),
    deepchecks={"ConflictingLabels": Rule(CONFLICTING_LABELS, "warn")},
    section=("[data.quality]", Quality),
    settings=("[data.quality].max_conflicting_ratio",),
)
