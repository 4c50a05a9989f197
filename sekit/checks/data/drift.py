"""``drift`` (per feature, train against test and against production) and ``label_drift``.

Numbers: the two-sample Kolmogorov-Smirnov test, effect size its statistic D.
Categories (text, bool, integers with few levels): the chi-squared test on the contingency of
counts, effect size the total variation distance (half the L1 distance of the two frequency
tables). A feature drifted when the test's p-value is below ``[data.drift].p_value`` *and* the
effect reaches ``min_effect``: on large samples tiny, harmless shifts are significant, so the
p-value alone would flag everything. Dates and free text are not tested (dates always move on).
Each side is tested on at most :data:`MAX_ROWS` rows (a seeded random sample): the KS
statistic's standard error there is about 0.003, far below any effect worth reporting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sekit.checks.data.bundle import DataBundle, Dataset, bundle_from_config
from sekit.checks.data.types import is_number, is_text, looks_categorical
from sekit.checks.findings import finding, percent, result, worst_summary
from sekit.checks.spec import CheckSpec, Kind, Metric, MltsClaim, Rule, on
from sekit.config.data import Drift
from sekit.results import CheckResult, Finding

if TYPE_CHECKING:
    import pandas as pd

MAX_LEVELS = 1_000  # a text column with more distinct values is free text, not a category
MAX_ROWS = 200_000


@dataclass(frozen=True)
class Comparison:
    test: str  # "ks" | "chi2"
    effect: float  # KS D or total variation distance, 0..1
    p_value: float
    reference_n: int
    current_n: int

    def drifted(self, p_value: float, min_effect: float) -> bool:
        return self.p_value < p_value and self.effect >= min_effect


def compare(
    reference: pd.Series, current: pd.Series, *, declared: str | None = None
) -> Comparison | None:
    """Test whether ``current`` is distributed like ``reference``; None if not testable."""
    import pandas as pd

    if declared in ("datetime", "string") or pd.api.types.is_datetime64_any_dtype(reference.dtype):
        return None
    ref = reference.dropna()
    cur = current.dropna()
    if len(ref) < 2 or len(cur) < 2:
        return None
    categorical = declared in ("category", "bool") or not is_number(ref) or looks_categorical(ref)
    if categorical:
        if is_text(ref) and ref.nunique() > MAX_LEVELS:
            return None
        return _chi2(ref, cur)
    if not is_number(cur):
        return None
    return _ks(ref.to_numpy(dtype="float64"), cur.to_numpy(dtype="float64"))


def _ks(reference: object, current: object) -> Comparison:
    """Two-sample KS with the asymptotic p-value; sorting once keeps 1M rows under 0.2 s."""
    import numpy as np
    from scipy import stats

    a = np.sort(np.asarray(reference))
    b = np.sort(np.asarray(current))
    both = np.concatenate([a, b])
    cdf_a = np.searchsorted(a, both, side="right") / len(a)
    cdf_b = np.searchsorted(b, both, side="right") / len(b)
    statistic = float(np.max(np.abs(cdf_a - cdf_b)))
    scale = np.sqrt(len(a) * len(b) / (len(a) + len(b)))
    p_value = float(stats.kstwobign.sf(statistic * scale))
    return Comparison("ks", statistic, p_value, len(a), len(b))


def _chi2(reference: pd.Series, current: pd.Series) -> Comparison:
    import numpy as np
    import pandas as pd
    from scipy import stats

    counts = pd.concat(
        [reference.astype(str).value_counts(), current.astype(str).value_counts()], axis=1
    ).fillna(0)
    table = counts.to_numpy(dtype="float64").T
    shares = table / table.sum(axis=1, keepdims=True)
    distance = float(0.5 * np.abs(shares[0] - shares[1]).sum())
    if table.shape[1] < 2:
        return Comparison("chi2", 0.0, 1.0, len(reference), len(current))
    p_value = float(stats.chi2_contingency(table, correction=False).pvalue)
    return Comparison("chi2", distance, p_value, len(reference), len(current))


def _pairs(bundle: DataBundle) -> list[Dataset]:
    return [d for d in (bundle.test, bundle.production) if d is not None]


def check_drift(bundle: DataBundle) -> CheckResult:
    if bundle.absent and not _pairs(bundle):
        return CheckResult.skipped(
            id="data.drift",
            suite="data",
            reason=f"no production data yet ({', '.join(bundle.absent)}; data.production_optional)",
        )
    if not _pairs(bundle):
        return CheckResult.skipped(
            id="data.drift",
            suite="data",
            reason="needs data.test or data.production to compare with",
        )
    settings = bundle.drift
    drifted: dict[str, list[tuple[Dataset, Comparison]]] = {}
    tested: set[str] = set()
    metrics: dict[str, float] = {}
    scores: dict[str, dict[str, float]] = {}
    reference = bundle.sampled("train", MAX_ROWS)
    for current in _pairs(bundle):
        pair_tested = pair_drifted = 0
        sample = bundle.sampled(current.role, MAX_ROWS)
        for column in bundle.shared_features(current):
            declared = bundle.columns[column].type if column in bundle.columns else None
            outcome = compare(reference[column], sample[column], declared=declared)
            if outcome is None:
                continue
            tested.add(column)
            pair_tested += 1
            scores.setdefault(current.role, {})[column] = outcome.effect
            if outcome.drifted(settings.p_value, settings.min_effect):
                pair_drifted += 1
                drifted.setdefault(column, []).append((current, outcome))
        metrics[f"drift_share_{current.role}"] = pair_drifted / pair_tested if pair_tested else 0
    share = len(drifted) / len(tested) if tested else 0.0
    metrics["drift_share"] = share
    severity = "fail" if share > settings.max_share else "warn"
    findings: list[Finding] = []
    for column, outcomes in drifted.items():
        for current, outcome in outcomes:
            measure = "KS statistic" if outcome.test == "ks" else "total variation distance"
            findings.append(
                finding(
                    "drift",
                    severity,
                    f"{column!r} drifted from train to {current.role} "
                    f"({measure} {outcome.effect:.3f} ≥ {settings.min_effect:g}, "
                    f"p = {outcome.p_value:.2g})",
                    column=column,
                    dataset=current.role,
                    test=outcome.test,
                    effect=outcome.effect,
                    p_value=outcome.p_value,
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
                "drift",
                "info",
                f"no production data yet ({missing}; "
                "data.production_optional): served inputs not compared",
            )
        )
    return result("data.drift", findings, summary, metrics)


def _scores(scores: dict[str, dict[str, float]], limit: float) -> Finding:
    """The effect size of every tested feature, for the report's drift picture."""
    return finding(
        "drift",
        "info",
        "drift effect per feature (0 = same distribution)",
        scores=scores,
        min_effect=limit,
    )


def check_label_drift(bundle: DataBundle) -> CheckResult:
    label = bundle.label
    others = [d for d in _pairs(bundle) if label is not None and label in d.frame.columns]
    if label is None or not others:
        return CheckResult.skipped(
            id="data.label_drift",
            suite="data",
            reason="needs data.label and a test set with the label",
        )
    declared = "category" if bundle.is_classification() else "float"
    findings: list[Finding] = []
    metrics: dict[str, float] = {}
    for current in others:
        outcome = compare(
            bundle.sampled("train", MAX_ROWS)[label],
            bundle.sampled(current.role, MAX_ROWS)[label],
            declared=declared,
        )
        if outcome is None:
            continue
        metrics[f"label_drift_{current.role}"] = outcome.effect
        if outcome.drifted(bundle.drift.p_value, bundle.drift.min_effect):
            findings.append(
                finding(
                    "label_drift",
                    "fail",
                    f"the label {label!r} is distributed differently in "
                    f"{current.role} than in train (effect {outcome.effect:.3f}, "
                    f"p = {outcome.p_value:.2g}); was the split stratified, or has the world "
                    "changed?",
                    column=label,
                    dataset=current.role,
                    test=outcome.test,
                    effect=outcome.effect,
                    p_value=outcome.p_value,
                )
            )
    return result(
        "data.label_drift",
        findings,
        worst_summary(findings, "the label is distributed alike"),
        metrics,
    )


# --- declarations ----------------------------------------------------------------------

DRIFT = Kind(
    "drift",
    "a feature distributed differently between train and test or production",
    (
        "Drift silently degrades a deployed model: it keeps answering confidently on inputs unlike "
        "those it learned from."
    ),
    (
        "Which features drifted, between which datasets, by how much (the effect size)? Look at "
        "their distributions over time in the prediction log."
    ),
    (
        "Find the cause (a changed source, a new user group, seasonality); retrain on recent data, "
        "and monitor the served inputs with [data].production."
    ),
)
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
)

SPECS = (
    CheckSpec(
        id="data.drift",
        title="features distributed alike in train, test and production",
        func=on(bundle_from_config, check_drift),
        emits="`drift`: KS (numbers) / chi-squared (categories), drifted when p < 0.01 "
        "**and** effect >= 0.1",
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
            "FeatureDrift": Rule("drift", "fail"),
            "MultivariateDrift": Rule("drift", "warn"),
        },
        section=("[data.drift]", Drift),
        settings=("[data.drift]", "[data].production", "[data].production_optional"),
        order=50,
    ),
    CheckSpec(
        id="data.label_drift",
        title="label distributed alike in train and test",
        func=on(bundle_from_config, check_label_drift),
        emits="`label_drift` (fail when drifted)",
        kinds=(LABEL_DRIFT,),
        deepchecks={
            "NewLabelTrainTest": Rule("label_drift", "fail"),
            "LabelDrift": Rule("label_drift", "fail"),
        },
        section=("[data.drift]", Drift),
        settings=("[data.drift]",),
        order=51,
    ),
)
