"""``drift`` (per feature, train against test and against production) and ``label_drift``.

Each feature is compared with the tests of :mod:`sekit.stats`: Kolmogorov-Smirnov and
Mann-Whitney for numbers (effect size: the KS statistic D), Fisher's exact or the chi-squared
test for categories (effect size: the total variation distance). Every test of the run (all
features, train against test and against production) is one family: its p-values are adjusted
with Benjamini-Hochberg, and a feature drifted when its adjusted p-value is below
``[data.drift].p_value`` *and* its effect reaches ``min_effect``. The first bounds the chance
that a run with no drift at all reports any (0.005 by default); the second keeps tiny, harmless
shifts of big samples from being reported. Dates and free text are not tested. Each side is
tested on at most :data:`MAX_ROWS` rows (a seeded random sample).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sekit import stats
from sekit.checks.data.figures import DriftScores, figures
from sekit.checks.data.kinds import DRIFT
from sekit.checks.findings import finding, percent, worst_summary
from sekit.checks.spec import CheckSpec, Kind, Metric, MltsClaim, Rule, default, on, share
from sekit.config.data import Drift
from sekit.results import Finding, Outcome
from sekit.stats import Comparison, compare
from sekit.subjects.datasets import DataBundle, Dataset, bundle_from_config

if TYPE_CHECKING:
    import pandas as pd

MAX_ROWS = 200_000


def _independent(bundle: DataBundle, current: Dataset) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Train and ``current``, sampled, as independent draws: one row per entity where the data
    has repeated entities split by entity (train and test; production rows carry no entity).

    A split that puts most test rows with entities of train is a random split of rows: rows
    are exchangeable between the sides and are compared as they are. Thinning them to one row
    per entity would thin the two sides unequally (train holds more rows of each entity), and
    where entities cover only part of the rows that alone looks like drift (the years of the
    WHO's tuberculosis table with no counts yet, one per country on each side)."""
    from sekit.checks.data.entities import entities, one_per_entity

    reference = bundle.sampled("train", MAX_ROWS)
    sample = bundle.sampled(current.role, MAX_ROWS)
    found = entities(bundle)
    train_keys = found.key("train") if found is not None else None
    test_keys = found.key("test") if found is not None else None
    mixed = (
        train_keys is not None
        and test_keys is not None
        and float(test_keys.isin(set(train_keys.dropna())).mean()) > 0.5
    )
    if current.role == "test" and not mixed:
        reference = one_per_entity(bundle, "train", reference)
        sample = one_per_entity(bundle, "test", sample)
    return reference, sample


def _pairs(bundle: DataBundle) -> list[Dataset]:
    return [d for d in (bundle.test, bundle.production) if d is not None]


def check_drift(bundle: DataBundle) -> Outcome:
    if bundle.absent and not _pairs(bundle):
        return Outcome.skipped(
            reason=f"no production data yet ({', '.join(bundle.absent)}; data.production_optional)",
        )
    if not _pairs(bundle):
        return Outcome.skipped(
            reason="needs data.test or data.production to compare with",
        )
    settings = bundle.drift
    tests: list[tuple[Dataset, str, Comparison]] = []
    for current in _pairs(bundle):
        reference, sample = _independent(bundle, current)
        for column in bundle.shared_features(current):
            declared = bundle.columns[column].type if column in bundle.columns else None
            outcome = compare(reference[column], sample[column], declared=declared)
            if outcome is not None:
                tests.append((current, column, outcome))
    adjusted = stats.benjamini_hochberg([outcome.p_value for _, _, outcome in tests])
    drifted: dict[str, list[tuple[Dataset, Comparison, float]]] = {}
    tested = {column for _, column, _ in tests}
    metrics: dict[str, float] = {}
    scores: dict[str, dict[str, float]] = {}
    per_pair: dict[str, list[bool]] = {}
    for (current, column, outcome), p_adjusted in zip(tests, adjusted, strict=True):
        scores.setdefault(current.role, {})[column] = outcome.effect
        hit = p_adjusted <= settings.p_value and outcome.effect >= settings.min_effect
        per_pair.setdefault(current.role, []).append(hit)
        if hit:
            drifted.setdefault(column, []).append((current, outcome, p_adjusted))
    for role, hits in per_pair.items():
        metrics[f"drift_share_{role}"] = sum(hits) / len(hits)
    share = len(drifted) / len(tested) if tested else 0.0
    metrics["drift_share"] = share
    metrics["drift_tests"] = len(tests)
    severity = "fail" if share > settings.max_share else "warn"
    findings: list[Finding] = []
    for column, outcomes in drifted.items():
        for current, outcome, p_adjusted in outcomes:
            measure = "KS statistic" if outcome.test.startswith("ks") else "total variation"
            findings.append(
                finding(
                    DRIFT,
                    severity,
                    f"{column!r} drifted from train to {current.role} "
                    f"({measure} {outcome.effect:.3f} >= {settings.min_effect:g}; "
                    f"p = {p_adjusted:.2g} after Benjamini-Hochberg over {len(tests)} tests)",
                    column=column,
                    dataset=current.role,
                    test=outcome.test,
                    effect=outcome.effect,
                    p_value=outcome.p_value,
                    p_adjusted=p_adjusted,
                    family=len(tests),
                    reference_n=outcome.reference_n,
                    current_n=outcome.current_n,
                )
            )
    summary = worst_summary(findings, f"no drift in {len(tested)} features")
    if findings:
        summary = f"{len(drifted)} of {len(tested)} features drifted ({percent(share)}): {summary}"
    if scores:
        findings.append(_scores(scores, settings.min_effect))
    for missing in bundle.absent:
        findings.append(
            finding(
                DRIFT,
                "info",
                f"no production data yet ({missing}; "
                "data.production_optional): served inputs not compared",
            )
        )
    return Outcome.from_findings(findings, summary, metrics)


def _scores(scores: dict[str, dict[str, float]], limit: float) -> Finding:
    """The effect size of every tested feature, for the report's drift picture."""
    kept = DriftScores(scores=scores, min_effect=limit)
    return kept.finding(DRIFT, "drift effect per feature (0 = same distribution)")


def check_label_drift(bundle: DataBundle) -> Outcome:
    label = bundle.label
    others = [d for d in _pairs(bundle) if label is not None and label in d.frame.columns]
    if label is None or not others:
        return Outcome.skipped(
            reason="needs data.label and a test set with the label",
        )
    declared = "category" if bundle.is_classification() else "float"
    tests: list[tuple[Dataset, Comparison]] = []
    for current in others:
        reference, sample = _independent(bundle, current)
        outcome = compare(reference[label], sample[label], declared=declared)
        if outcome is not None:
            tests.append((current, outcome))
    adjusted = stats.benjamini_hochberg([outcome.p_value for _, outcome in tests])
    findings: list[Finding] = []
    metrics: dict[str, float] = {}
    for (current, outcome), p_adjusted in zip(tests, adjusted, strict=True):
        metrics[f"label_drift_{current.role}"] = outcome.effect
        if p_adjusted <= bundle.drift.p_value and outcome.effect >= bundle.drift.min_effect:
            findings.append(
                finding(
                    LABEL_DRIFT,
                    "fail",
                    f"the label {label!r} is distributed differently in "
                    f"{current.role} than in train (effect {outcome.effect:.3f}, "
                    f"p = {p_adjusted:.2g}); was the split stratified, or has the world "
                    "changed?",
                    column=label,
                    dataset=current.role,
                    test=outcome.test,
                    effect=outcome.effect,
                    p_value=outcome.p_value,
                    p_adjusted=p_adjusted,
                    reference_n=outcome.reference_n,
                    current_n=outcome.current_n,
                )
            )
    return Outcome.from_findings(
        findings,
        worst_summary(findings, "the label is distributed alike"),
        metrics,
    )


# --- declarations ----------------------------------------------------------------------

DATA_DRIFT_SHARE = Metric(
    "data.drift_share",
    "share of features that drifted",
    (
        "The share of drifted features summarises how far the served or test data moved from the "
        "training data."
    ),
    "See the drift findings and effect sizes.",
    "Retrain on recent data; find the cause of the shift.",
    gate="max = 0.1",
)
LABEL_DRIFT = Kind(
    "label_drift",
    "the label distributed differently between train and test",
    (
        "When the label's distribution differs between train and test (or changes over time), the "
        "test score does not describe the world the model meets."
    ),
    "Was the split stratified? Did the share of classes change in recent data?",
    "Stratify the split; if the world changed, retrain and recalibrate the decision threshold.",
    trust=(
        "One exact test (Fisher's or chi-squared) at the drift level "
        f"({share(default(Drift, 'p_value'))}); on a test set of "
        "under 200 rows only large moves of the class shares are found. Measured: "
        "docs/explanation/trust.md."
    ),
)

DRIFT_CHECK = CheckSpec(
    id="data.drift",
    title="features distributed alike in train, test and production",
    func=on(bundle_from_config, check_drift),
    emits="`drift`: KS and Mann-Whitney (numbers) / Fisher or chi-squared (categories); "
    f"drifted when the Benjamini-Hochberg-adjusted p <= {default(Drift, 'p_value')} **and** "
    f"the effect >= {default(Drift, 'min_effect')}",
    kinds=(DRIFT,),
    metrics=(DATA_DRIFT_SHARE,),
    mlts=(
        MltsClaim(
            "monitor-3",
            "'training/serving skew': compare the distribution of features at training "
            "and at serving time (sekit compares train with the prediction log)",
            requires="data.production_rows",
        ),
    ),
    deepchecks={
        "FeatureDrift": Rule(DRIFT, "fail"),
        "MultivariateDrift": Rule(DRIFT, "warn"),
    },
    section=("[data.drift]", Drift),
    settings=("[data.drift]", "[data].production", "[data].production_optional"),
    figures=figures,
)

LABEL_DRIFT_CHECK = CheckSpec(
    id="data.label_drift",
    title="label distributed alike in train and test",
    func=on(bundle_from_config, check_label_drift),
    emits="`label_drift` (fail when drifted)",
    kinds=(LABEL_DRIFT,),
    deepchecks={
        "NewLabelTrainTest": Rule(LABEL_DRIFT, "fail"),
        "LabelDrift": Rule(LABEL_DRIFT, "fail"),
    },
    section=("[data.drift]", Drift),
    settings=("[data.drift]",),
)
