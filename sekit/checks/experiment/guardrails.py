"""``experiment.guardrails``: quality and cost judged together, with the family's error rate held.

``[experiment].guardrails`` names more metrics beside ``[experiment].metric``, each with the
direction that is better (``{ cost = "lower", latency_ms = "lower" }``). Every arm is compared
with the control on every metric of the family (the metric and its guardrails) by the same
analysis as ``experiment.difference`` (:func:`.analysis.compare`: Fisher's exact test for one
labelled answer per user, else Welch's t-test on the users' means), and the p-values of all
comparisons are adjusted together with Holm's method: a run with no difference on any metric
decides anything at most ``[experiment].alpha`` of the time, however many metrics it judges.
Intervals are at ``1 - alpha / m`` (Bonferroni over the m comparisons), so none claims more than
its test.

An arm credibly worse on any metric of the family is ``experiment_harm`` (fail): a model that
is better and twice as expensive is a trade-off the team must decide, not a ship. A broken
assignment decides nothing (``invalid_experiment``, as in ``experiment.difference``). A metric
an arm cannot measure (fewer than two users with a value) is not measured, which blocks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sekit.checks.context import Context
from sekit.checks.experiment import analysis
from sekit.checks.experiment import served as sv
from sekit.checks.experiment.assignment import split
from sekit.checks.experiment.difference import HARM, INVALID
from sekit.checks.findings import finding, outcome, worst_summary
from sekit.checks.spec import CheckSpec, Metric
from sekit.results import Finding, Outcome, not_measured


@dataclass(frozen=True)
class Judged:
    """One arm against the control on one metric of the family."""

    metric: str
    arm: str
    lower_is_better: bool
    difference: float
    low: float
    high: float
    p_value: float
    test: str
    p_adjusted: float = 1.0

    def decision(self, alpha: float) -> str:
        return analysis.decide(
            self.difference,
            self.low,
            self.high,
            self.p_adjusted,
            alpha=alpha,
            lower_is_better=self.lower_is_better,
            min_effect=None,
        )

    def sentence(self, alpha: float) -> str:
        verdict = {"ship": "better", "keep": "worse"}.get(
            self.decision(alpha), "no credible change"
        )
        return (
            f"{self.metric} {self.difference:+.4g} [{self.low:+.4g}, {self.high:+.4g}] "
            f"({verdict}; {self.test}, Holm p = {self.p_adjusted:.2g})"
        )


def family(ctx: Context) -> dict[str, bool]:
    """The metrics judged together, each with whether lower is better."""
    experiment = sv.settings(ctx)
    chosen = {experiment.metric: experiment.lower_is_better()}
    chosen.update({m: d == "lower" for m, d in experiment.guardrails.items()})
    return chosen


def check_guardrails(ctx: Context) -> Outcome:
    import numpy as np

    experiment = sv.settings(ctx)
    if not experiment.guardrails:
        return Outcome.skipped(
            reason='one metric: name more in [experiment].guardrails, e.g. { cost = "lower" }',
        )
    reason = sv.no_log_reason(ctx)
    if reason is not None:
        return Outcome.skipped(reason=reason)
    plan = split(ctx)
    control = experiment.control
    metrics = family(ctx)
    findings: list[Finding] = []
    per_metric: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]] = {}
    for metric in metrics:
        users = sv.observations(ctx, metric).per_user()
        per_metric[metric] = {
            str(arm): (rows["value"].to_numpy("float64"), rows["count"].to_numpy("int64"))
            for arm, rows in users.groupby("arm", sort=True)
        }
        observed = {arm: len(v) for arm, (v, _) in per_metric[metric].items()}
        unmeasured = analysis.unmeasured_arms(observed, plan, control, metric)
        findings += [not_measured(f"{metric}: {why}", arm=arm) for arm, why in unmeasured.items()]
    if findings:
        return outcome(findings, findings[0].message)
    arms = sorted({a for values in per_metric.values() for a in values} - {control})
    level = experiment.alpha / max(len(metrics) * len(arms), 1)
    judged: list[Judged] = []
    for metric, lower in metrics.items():
        for arm in arms:
            try:
                difference, low, high, p, test = analysis.compare(
                    per_metric[metric][control],
                    per_metric[metric][arm],
                    level=level,
                    power=experiment.power,
                    min_effect=None,
                )
            except analysis.Unmeasured as exc:
                findings.append(not_measured(f"{metric}, arm {arm!r}: {exc}", arm=arm))
                continue
            judged.append(Judged(metric, arm, lower, difference, low, high, p, test))
    if findings:
        return outcome(findings, findings[0].message)
    adjusted = analysis.holm([j.p_value for j in judged])
    judged = [
        Judged(**{**j.__dict__, "p_adjusted": p}) for j, p in zip(judged, adjusted, strict=True)
    ]
    broken = plan.unsticky > 0 or (plan.srm_p is not None and plan.srm_p < experiment.srm_p)
    alpha = experiment.alpha
    for arm in arms:
        mine = [j for j in judged if j.arm == arm]
        told = f"{arm} against {control}: " + "; ".join(j.sentence(alpha) for j in mine)
        worse = [j.metric for j in mine if j.decision(alpha) == "keep"]
        if broken:
            findings.append(
                finding(
                    INVALID,
                    "fail",
                    f"{told} (see experiment.assignment): no decision from a broken assignment",
                    arm=arm,
                )
            )
        elif worse:
            findings.append(
                finding(
                    HARM,
                    "fail",
                    f"{told}: credibly worse on {', '.join(worse)}",
                    arm=arm,
                    metrics=worse,
                )
            )
        else:
            findings.append(finding(HARM, "info", told, arm=arm))
    summary = worst_summary(
        findings,
        f"{len(metrics)} metrics x {len(arms)} arms, Holm over {len(judged)}: no arm credibly "
        "worse on any",
    )
    worst = min(j.p_adjusted for j in judged) if judged else math.nan
    numbers = {
        "guardrail_comparisons": float(len(judged)),
        "guardrail_harms": float(sum(j.decision(alpha) == "keep" for j in judged)),
        "guardrail_min_p": worst,
    }
    return outcome(findings, summary, numbers)


GUARDRAIL_HARMS = Metric(
    "experiment.guardrail_harms",
    "comparisons (arm x metric of [experiment].metric and guardrails) where the "
    "arm is credibly worse, Holm over all of them",
    "Quality and cost together: a better model that costs more is a harm here.",
    "Read the arm's sentence: which metric, by how much.",
    "Decide the trade-off explicitly, or fix the cost before shipping.",
    gate="max = 0",
)
GUARDRAIL_COMPARISONS = Metric(
    "experiment.guardrail_comparisons",
    "comparisons judged together (arms x metrics)",
    "Holm's adjustment grows with it.",
    "More metrics need more users for the same power.",
    "Judge only the metrics the decision depends on.",
)

GUARDRAILS_CHECK = CheckSpec(
    id="experiment.guardrails",
    title="every arm against the control on the metric and its guardrails, Holm over all",
    func=check_guardrails,
    emits="`experiment_harm` (an arm credibly worse on any metric of the family: fail; "
    "each arm's comparisons: info), `invalid_experiment` (broken assignment, fail); error "
    "when an arm has fewer than two users with a value of a metric",
    kinds=(HARM, INVALID),
    metrics=(GUARDRAIL_HARMS, GUARDRAIL_COMPARISONS),
    settings=("[experiment].guardrails", "[experiment].alpha"),
)
