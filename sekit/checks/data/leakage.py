"""``label_leakage``: a feature that gives the label away, and test rows seen in training.

**What blocks, and what warns** (``docs/explanation/trust.md``). A strong feature is not
leakage: party identification predicts a vote, bill length and island tell penguin species
apart. A finding blocks only when it is certain from the data, or measured to be wrong at
most 1% of the time on real tables the rule was not tuned on:

* **the label in disguise** (:mod:`.disguise`): a feature, or two, from which the label
  follows exactly on rows the relation was not learned from: a log or a unit change of it, its
  complement, a recoding of its classes, a threshold, two columns that add up to it;
* **test rows seen in training** beyond what random re-splits of the pooled rows produce
  (:mod:`.pairs`: the null is the data's own), above ``[data.leakage].max_overlap``;
* **a feature that is not there when the model predicts** (:mod:`.unavailable`): absent from,
  or empty in, the served inputs (``[data].production``).

Everything else warns, with what it was measured to do on clean real tables
(:mod:`.measured`): a feature (or a pair of the strongest) that reaches
``[data.leakage].max_feature_power`` and beats all the other features together (the same
gradient-boosting learner, cross-validated; McNemar's exact test, a paired bootstrap for
regression, below ``p_value``, by ``min_advantage``), near-perfect or not; test rows that a
model of chance calls copies; an identifier (a counter or a code per row) that predicts the
label; a feature missing far more often among the newest rows by a date column.
"""

from __future__ import annotations

from collections.abc import Callable

from sekit.checks.data import disguise, measured, unavailable
from sekit.checks.data.entities import entity_columns
from sekit.checks.data.kinds import DRIFT, LABEL_LEAKAGE
from sekit.checks.data.overlap import overlap_findings
from sekit.checks.data.power import Contest, contest, joint_power, powers
from sekit.checks.findings import finding, worst_summary
from sekit.checks.spec import CheckSpec, Rule, default, on, share
from sekit.config.data import Leakage
from sekit.results import Finding, Outcome
from sekit.subjects.datasets import DataBundle, bundle_from_config

CANDIDATES = 3  # the strongest features, at most, are compared with the rest
RIVALS = 2  # the strongest other features, each also a challenger on its own
PAIRS_AMONG = 4  # pairs of the strongest features screened for giving the label away together


def _disguise_findings(bundle: DataBundle) -> list[Finding]:
    """The label kept in another form (disguise.py): certain, so it blocks."""
    named = entity_columns(bundle)
    return [
        finding(
            LABEL_LEAKAGE,
            "fail",
            f"{found.relation} on {found.checked:,} {found.where} (to the precision the "
            "columns are recorded in): the label is in the features in another form; drop "
            + " and ".join(repr(c) for c in found.columns),
            column=found.columns[0],
            columns=list(found.columns),
            relation=found.relation,
            checked=found.checked,
            problem="disguised_label",
        )
        for found in disguise.find(bundle, skip=named)
    ]


def _feature_findings(bundle: DataBundle, metrics: dict[str, float]) -> list[Finding]:
    settings = bundle.leakage
    findings = _disguise_findings(bundle)
    disguised = {c for f in findings for c in f.evidence["columns"]}
    found = powers(bundle)
    if not found:
        return findings
    metrics["max_feature_power"] = max(found.values())
    ranked = sorted(
        ((c, p) for c, p in found.items() if c not in disguised), key=lambda item: -item[1]
    )
    features = [c for c in bundle.features if c in found and c not in disguised]
    for column, power in ranked[:CANDIDATES]:
        if power < settings.max_feature_power:
            break
        if len(features) == 1:
            continue  # nothing to compare with
        rivals = [c for c, _ in ranked if c != column][:RIVALS]
        outcome = contest(bundle, [column], features, rivals)
        advantage = outcome.alone - outcome.rest
        metrics[f"advantage_{column}"] = advantage
        if advantage >= settings.min_advantage and outcome.p_value < settings.p_value:
            findings.append(_stand_out(bundle, [column], outcome, power, ranked))
    if not any(f.evidence.get("problem") == "near_perfect_feature" for f in findings):
        findings += _pair_findings(bundle, ranked, features)
    blocked = {c for f in findings for c in f.evidence.get("columns", [])}
    findings += unavailable.identifier_findings(
        bundle, {c: p for c, p in found.items() if c not in blocked}
    )
    findings += unavailable.vanishing_findings(bundle, found)
    return findings


def _stand_out(
    bundle: DataBundle,
    columns: list[str],
    outcome: Contest,
    power: float,
    ranked: list[tuple[str, float]],
) -> Finding:
    """A feature (or a pair) that beats all the others together: leakage when it tells the
    label almost perfectly, else an unusually strong feature (a warning, never a block)."""
    settings = bundle.leakage
    named = " and ".join(repr(c) for c in columns)
    together = " together" if len(columns) > 1 else " alone"
    numbers = (
        f"power {outcome.alone:.3f} against {outcome.rest:.3f}, p = {outcome.p_value:.2g}, "
        f"{outcome.rows:,} rows cross-validated"
    )
    near_perfect = outcome.alone >= settings.near_perfect
    # Strength is not leakage: even a near-perfect feature that beats the others may be
    # honest (penguin species from bill length and island). What is certain is the label in
    # disguise (disguise.py), which blocks; this one warns.
    if near_perfect:
        message = (
            f"{named}{together} predict{'s' if len(columns) == 1 else ''} {bundle.label!r} almost "
            f"perfectly and better than {'either alone and ' if len(columns) > 1 else ''}all "
            f"the other features together ({numbers}): is it computed from the label, or only "
            "known after the fact?"
        )
    else:
        message = (
            f"{named} is an unusually strong feature: it alone predicts {bundle.label!r} better "
            f"than all the other features together ({numbers}), though not almost perfectly "
            f"(leakage from power {settings.near_perfect:g}). Strong honest features are common; "
            "make sure it is known when the model predicts"
        )
    return finding(
        LABEL_LEAKAGE,
        "warn",
        message + measured.note("near_perfect_feature" if near_perfect else "strong_feature"),
        column=columns[0],
        columns=list(columns),
        power=power,
        alone=outcome.alone,
        rest=outcome.rest,
        advantage=outcome.alone - outcome.rest,
        p_value=outcome.p_value,
        rows=outcome.rows,
        left_out=list(outcome.left_out),
        strongest=dict(ranked[:5]),
        problem="near_perfect_feature" if near_perfect else "strong_feature",
    )


def _pair_findings(
    bundle: DataBundle, ranked: list[tuple[str, float]], features: list[str]
) -> list[Finding]:
    """Two of the strongest features that give the label away together (a leak split over two
    columns, such as a total and a part of it): a cheap joint lookup screens each pair, and a
    pair that reaches near_perfect is put to the same contest as a single feature, with each of
    its two members alone among the challengers."""
    from itertools import combinations

    settings = bundle.leakage
    if len(features) < 3:
        return []
    top = [c for c, _ in ranked[:PAIRS_AMONG]]
    alone = dict(ranked)
    screened = sorted(
        ((joint_power(bundle, list(pair)), pair) for pair in combinations(top, 2)), reverse=True
    )
    # a pair that cannot beat its stronger member by min_advantage is that member: no contest
    screened = [
        (power, pair)
        for power, pair in screened
        if power - max(alone[c] for c in pair) >= settings.min_advantage
    ]
    for power, pair in screened[:1]:
        if power < settings.max_feature_power:  # a coarse lookup: the contest decides
            break
        rivals = [c for c, _ in ranked if c not in pair][:RIVALS]
        outcome = contest(bundle, list(pair), features, rivals)
        if (
            outcome.alone >= settings.near_perfect
            and outcome.alone - outcome.rest >= settings.min_advantage
            and outcome.p_value < settings.p_value
        ):
            return [_stand_out(bundle, list(pair), outcome, power, ranked)]
    return []


def check_label_leakage(bundle: DataBundle) -> Outcome:
    if bundle.label is None and bundle.test is None:
        return Outcome.skipped(
            reason="needs a label (data.label) or a test set (data.test)",
        )
    metrics: dict[str, float] = {}
    findings: list[Finding] = []
    if bundle.label is not None:
        findings += _feature_findings(bundle, metrics)
    if bundle.test is not None:
        findings += overlap_findings(bundle, metrics)
    return Outcome.from_findings(findings, worst_summary(findings, _clean(metrics)), metrics)


def _clean(metrics: dict[str, float]) -> str:
    parts = []
    if "max_feature_power" in metrics:
        parts.append(f"strongest single feature power {metrics['max_feature_power']:.2f}")
    if "train_test_overlap" in metrics:
        parts.append("no test rows leaked from train")
    return "no leakage: " + ", ".join(parts)


# --- declarations ----------------------------------------------------------------------


# Deepchecks' FeatureLabelCorrelation is a threshold on one feature's predictive power score: a
# strong honest feature crosses it as surely as a leak (every clean split of iris), so its
# findings warn; the native stand-out test is the one that blocks.
LEAKAGE_RULES: dict[str, Rule | Callable[[str], Rule]] = {
    "FeatureLabelCorrelation": Rule(LABEL_LEAKAGE, "warn"),
    "IdentifierLabelCorrelation": Rule(LABEL_LEAKAGE, "fail"),
    "DateTrainTestLeakageDuplicates": Rule(LABEL_LEAKAGE, "fail"),
    "DateTrainTestLeakageOverlap": Rule(LABEL_LEAKAGE, "fail"),
    "IndexTrainTestLeakage": Rule(LABEL_LEAKAGE, "fail"),
    "TrainTestSamplesMix": Rule(LABEL_LEAKAGE, "fail"),
    "FeatureLabelCorrelationChange": lambda condition: (
        Rule(LABEL_LEAKAGE, "fail")
        if condition.startswith("Train features")
        else Rule(DRIFT, "warn")
    ),
}

LABEL_LEAKAGE_CHECK = CheckSpec(
    id="data.label_leakage",
    title="no feature gives the label away; no test rows in train",
    func=on(bundle_from_config, check_label_leakage),
    emits="`label_leakage`: fail for the label in disguise (a transform, recoding, "
    "threshold or two columns adding up to it, holding on the test rows), test rows in "
    "train beyond random re-splits of the pooled rows (above `[data.leakage].max_overlap`, "
    f"{share(default(Leakage, 'max_overlap'))}) and a predictive feature missing from the "
    "served inputs; warn for a strong feature "
    "that beats all the others (near-perfect or not), test rows a model of chance calls "
    "copies, an identifier that predicts the label and a feature missing among the newest "
    "rows",
    kinds=(LABEL_LEAKAGE,),
    deepchecks=LEAKAGE_RULES,
    section=("[data.leakage]", Leakage),
    settings=("[data.leakage]",),
)
