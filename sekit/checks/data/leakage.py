"""``label_leakage``: a feature that gives the label away, and test rows seen in training.

**A feature that stands out.** A strong feature is not leakage; a feature that alone predicts
the label better than all the other features together is suspicious: it knows something the
rest of the data does not, which is what a label copied into a column, or a value recorded
after the outcome, looks like. A feature is reported when its power (:mod:`.power`) reaches
``[data.leakage].max_feature_power`` and, cross-validated on the labelled rows, it beats the
other features (all together, and the strongest of them alone; the same gradient-boosting
learner for all) by ``min_advantage`` with a paired test
(McNemar's exact test; a paired bootstrap for regression) below ``p_value``. Near-copies of the
feature are left out of "the others", so a leak copied into two columns is still found. In a
data set whose other features do nearly as well (iris' petal width and length), none stands out.

**Test rows seen in training.** A test row whose features also occur in train counts as leaked
only when chance would not produce that pattern (:mod:`.chance`): identical answers to a few
common questions are not leaked rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sekit.checks.data import chance, pairs
from sekit.checks.data.bundle import DataBundle, bundle_from_config
from sekit.checks.data.power import contest, powers
from sekit.checks.findings import example_rows, finding, percent, result, worst_summary
from sekit.checks.spec import CheckSpec, Kind, Rule, on
from sekit.config.data import Leakage
from sekit.results import CheckResult, Finding

if TYPE_CHECKING:
    import pandas as pd

CANDIDATES = 3  # the strongest features, at most, are compared with the rest
RIVALS = 2  # the strongest other features, each also a challenger on its own


def _feature_findings(bundle: DataBundle, metrics: dict[str, float]) -> list[Finding]:
    settings = bundle.leakage
    found = powers(bundle)
    if not found:
        return []
    metrics["max_feature_power"] = max(found.values())
    ranked = sorted(found.items(), key=lambda item: -item[1])
    features = [c for c in bundle.features if c in found]
    findings = []
    for column, power in ranked[:CANDIDATES]:
        if power < settings.max_feature_power:
            break
        if len(features) == 1:
            continue  # nothing to compare with
        rivals = [c for c, _ in ranked if c != column][:RIVALS]
        outcome = contest(bundle, column, features, rivals)
        advantage = outcome.alone - outcome.rest
        metrics[f"advantage_{column}"] = advantage
        if advantage >= settings.min_advantage and outcome.p_value < settings.p_value:
            findings.append(
                finding(
                    "label_leakage",
                    "fail",
                    f"{column!r} alone predicts {bundle.label!r} better than all the other "
                    f"features together (power {outcome.alone:.3f} against {outcome.rest:.3f}, "
                    f"p = {outcome.p_value:.2g}, {outcome.rows:,} rows cross-validated): is it "
                    "computed from the label, or only known after the fact?",
                    column=column,
                    power=power,
                    alone=outcome.alone,
                    rest=outcome.rest,
                    advantage=advantage,
                    p_value=outcome.p_value,
                    rows=outcome.rows,
                    left_out=list(outcome.left_out),
                    strongest=dict(ranked[:5]),
                )
            )
    return findings


def _overlap_findings(bundle: DataBundle, metrics: dict[str, float]) -> list[Finding]:
    import numpy as np

    assert bundle.test is not None
    features = bundle.shared_features(bundle.test)
    train_hashes = bundle.row_hashes("train", features)
    test_hashes = bundle.row_hashes("test", features)
    seen = test_hashes.isin(train_hashes)
    leaked = seen & False
    if seen.any():
        counts = train_hashes.value_counts()
        groups = test_hashes[seen].drop_duplicates()
        positions = train_hashes.reset_index(drop=True)
        first = {h: int(i) for i, h in zip(positions.index, positions.to_numpy(), strict=True)}
        from sekit.checks.data.duplicates import chance_model

        model = chance_model(bundle, bundle.train, features)
        flags = chance.beyond_chance(
            model,
            [(model.codes[first[h]], int(counts[h])) for h in groups.to_numpy()],
            model.rows,
            seen=False,
            opportunities=len(test_hashes),
        )
        beyond = groups.to_numpy()[np.asarray(flags, dtype=bool)]
        leaked = test_hashes.isin(beyond)
    count, by_chance = int(leaked.sum()), int((seen & ~leaked).sum())
    share = count / len(test_hashes)
    metrics["train_test_overlap"] = share
    metrics["chance_train_test_overlap"] = by_chance / len(test_hashes)
    findings = []
    if count:
        limit = bundle.leakage.max_overlap
        findings.append(
            finding(
                "label_leakage",
                "fail" if share > limit else "warn",
                f"{bundle.test.source}: {count:,} test rows ({percent(share)}) also appear in "
                f"the training set, more often than chance explains (limit {percent(limit)}); "
                "the test score overstates how the model does on new data",
                count=count,
                share=share,
                rows=example_rows(leaked),
                problem="train_test_overlap",
            )
        )
    if not count:
        findings += _excess_findings(bundle, train_hashes, test_hashes, metrics)
    if by_chance:
        findings.append(
            finding(
                "label_leakage",
                "info",
                f"{by_chance:,} test rows share a common pattern with training rows, as often as "
                "chance does (identical answers from different records): not counted as leaked",
                count=by_chance,
                problem="train_test_overlap",
            )
        )
    return findings


def _excess_findings(
    bundle: DataBundle, train_hashes: pd.Series, test_hashes: pd.Series, metrics: dict[str, float]
) -> list[Finding]:
    """Leaked rows that each look like chance, seen together (:mod:`.pairs`)."""
    assert bundle.test is not None
    split = pairs.compare(train_hashes, test_hashes)
    if split is None:
        return []
    seen = split.test_seen
    metrics["excess_train_test_overlap"] = seen.share
    if not seen.significant:
        return []
    limit = bundle.leakage.max_overlap
    return [
        finding(
            "label_leakage",
            "fail" if seen.share > limit else "warn",
            f"{bundle.test.source}: {seen.observed:,} test rows also appear in the training set "
            f"where a random split of the same rows gives {seen.expected:,.0f} on average "
            f"(p = {seen.p_value:.2g}, {pairs.PERMUTATIONS:,} re-splits): about "
            f"{percent(seen.share)} of the test set looks leaked from train (limit "
            f"{percent(limit)})",
            count=seen.observed,
            expected=seen.expected,
            share=seen.share,
            p_value=seen.p_value,
            problem="train_test_overlap",
        )
    ]


def check_label_leakage(bundle: DataBundle) -> CheckResult:
    if bundle.label is None and bundle.test is None:
        return CheckResult.skipped(
            id="data.label_leakage",
            suite="data",
            reason="needs a label (data.label) or a test set (data.test)",
        )
    metrics: dict[str, float] = {}
    findings: list[Finding] = []
    if bundle.label is not None:
        findings += _feature_findings(bundle, metrics)
    if bundle.test is not None:
        findings += _overlap_findings(bundle, metrics)
    return result("data.label_leakage", findings, worst_summary(findings, _clean(metrics)), metrics)


def _clean(metrics: dict[str, float]) -> str:
    parts = []
    if "max_feature_power" in metrics:
        parts.append(f"strongest single feature power {metrics['max_feature_power']:.2f}")
    if "train_test_overlap" in metrics:
        parts.append("no test rows leaked from train")
    return "no leakage: " + ", ".join(parts)


# --- declarations ----------------------------------------------------------------------

LABEL_LEAKAGE = Kind(
    "label_leakage",
    "a feature that gives the label away, or test rows seen in training",
    (
        "Leakage inflates offline accuracy: the model learns from information it will not "
        "have when "
        "it predicts for real, so production quality falls far below the test score."
    ),
    (
        "For a feature: was it computed from the label or recorded after the outcome? For overlap: "
        "does the split happen after deduplication, and are train and test disjoint?"
    ),
    (
        "Drop features not available at prediction time; split before any step that looks at all "
        "rows, deduplicate first, and split by group or time where rows are related."
    ),
    trust=(
        "A feature is leakage only when it beats all the other features together (cross- "
        "validated, McNemar's exact test at 1%): a label copy is always found, a strong honest "
        "feature among strong ones never blocks; a proxy only slightly better than the honest "
        "features needs rows to be seen. Overlap is judged against chance and random re-splits. "
        "Measured: README, 'How far to trust a verdict'."
    ),
)

# Deepchecks' FeatureLabelCorrelation is a threshold on one feature's predictive power score: a
# strong honest feature crosses it as surely as a leak (every clean split of iris), so its
# findings warn; the native stand-out test is the one that blocks.
LEAKAGE_RULES: dict[str, Rule | Callable[[str], Rule]] = {
    "FeatureLabelCorrelation": Rule("label_leakage", "warn"),
    "IdentifierLabelCorrelation": Rule("label_leakage", "fail"),
    "DateTrainTestLeakageDuplicates": Rule("label_leakage", "fail"),
    "DateTrainTestLeakageOverlap": Rule("label_leakage", "fail"),
    "IndexTrainTestLeakage": Rule("label_leakage", "fail"),
    "TrainTestSamplesMix": Rule("label_leakage", "fail"),
    "FeatureLabelCorrelationChange": lambda condition: (
        Rule("label_leakage", "fail")
        if condition.startswith("Train features")
        else Rule("drift", "warn")
    ),
}

SPECS = (
    CheckSpec(
        id="data.label_leakage",
        title="no feature gives the label away; no test rows in train",
        func=on(bundle_from_config, check_label_leakage),
        emits="`label_leakage`: a feature that alone beats all the others together (power >= "
        "0.8, McNemar p < 0.01, by >= 0.02); test rows in train beyond chance or beyond random "
        "re-splits (fail above `[data.leakage].max_overlap`, 1%)",
        kinds=(LABEL_LEAKAGE,),
        deepchecks=LEAKAGE_RULES,
        section=("[data.leakage]", Leakage),
        settings=("[data.leakage]",),
        order=40,
    ),
)
