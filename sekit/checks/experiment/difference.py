"""``experiment.difference``: each arm against the control, with an interval, a test, the
power the traffic gave, and a written decision (:mod:`.analysis`).

The decision is ``ship`` (the arm is credibly better), ``keep`` (credibly worse: a fail,
``experiment_harm``), ``equivalent`` (its interval lies inside +-``min_effect``),
``inconclusive`` (a warning, ``underpowered_experiment``, with the users still needed) or
``invalid`` (the assignment is broken, ``invalid_experiment``: no decision is taken from the
numbers). Without ``min_effect``, a difference that is not credible is reported with the
smallest difference the run could have found, and nothing is warned.

**Measured or not** (:mod:`sekit.bounds`). A decision needs an interval, and an interval needs
at least two users with an observation in each arm compared. The control and every arm of the
run (named by ``[experiment].weights``, or seen in the log) must have them; an arm without
(no user in the log, or users whose metric is missing) was not measured, and the check ends
``error``, which blocks: "no arm to compare" is never a pass. Too little data that *was*
measured is ``inconclusive``: arms without any spread are compared by Fisher's exact test on
their two values (two users against two, all apart, is p = 1/3, never "ship, p = 0"), and an
interval never claims more than its test (:func:`.analysis.compare`), so a gate on the
interval blocks what the test cannot decide.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sekit.checks.context import Context
from sekit.checks.experiment import analysis
from sekit.checks.experiment import served as sv
from sekit.checks.experiment.assignment import split
from sekit.checks.experiment.figures import Arms, ArmShown, Decision, figures
from sekit.checks.experiment.settings import Experiment
from sekit.checks.findings import finding, outcome, percent, worst_summary
from sekit.checks.spec import CheckSpec, Kind, Metric, MltsClaim
from sekit.results import Finding, Outcome, not_measured

if TYPE_CHECKING:
    import numpy as np


def _finite(value: float) -> float | None:
    return round(value, 6) if math.isfinite(value) else None


def check_difference(ctx: Context) -> Outcome:
    import numpy as np

    reason = sv.no_log_reason(ctx)
    if reason is not None:
        return Outcome.skipped(reason=reason)
    experiment = sv.settings(ctx)
    seen = sv.observations(ctx)
    users = seen.per_user()
    plan = split(ctx)
    arm_values: dict[str, tuple[np.ndarray, np.ndarray]] = {
        str(arm): (
            rows["value"].to_numpy(dtype="float64"),
            rows["count"].to_numpy(dtype="int64"),
        )
        for arm, rows in users.groupby("arm", sort=True)
    }
    shown = [
        analysis.summarise(arm, values, counts) for arm, (values, counts) in arm_values.items()
    ]
    findings: list[Finding] = []
    metric, control = experiment.metric, experiment.control
    observed = {arm: len(values) for arm, (values, _) in arm_values.items()}
    unmeasured = analysis.unmeasured_arms(observed, plan, control, metric)
    findings += [not_measured(why, arm=arm) for arm, why in unmeasured.items()]
    treatments = [arm for arm in arm_values if arm != control]
    comparable = [] if control in unmeasured else [a for a in treatments if a not in unmeasured]
    k = max(len(comparable), 1)
    level = experiment.alpha / k  # Bonferroni intervals beside Holm's p-values
    raw = []
    for arm in list(comparable):
        try:
            raw.append(
                analysis.compare(
                    arm_values[control],
                    arm_values[arm],
                    level=level,
                    power=experiment.power,
                    min_effect=experiment.min_effect,
                )
            )
        except analysis.Unmeasured as exc:
            comparable.remove(arm)
            findings.append(not_measured(f"arm {arm!r} against {control!r}: {exc}", arm=arm))
    adjusted = analysis.holm([r[3] for r in raw]) if raw else []
    broken = plan.unsticky > 0 or (plan.srm_p is not None and plan.srm_p < experiment.srm_p)
    lower = experiment.lower_is_better()
    base = float(np.mean(arm_values[control][0])) if control in arm_values else math.nan
    total_users = sum(len(v) for v, _ in arm_values.values())
    decisions: list[Decision] = []
    for arm, (difference, low, high, p, test), p_adj in zip(comparable, raw, adjusted, strict=True):
        mde, power, grow = analysis.power_of(
            low, high, level=level, power=experiment.power, min_effect=experiment.min_effect
        )
        decided = analysis.decide(
            difference,
            low,
            high,
            p_adj,
            alpha=experiment.alpha,
            lower_is_better=lower,
            min_effect=experiment.min_effect,
        )
        if broken:
            decided = "invalid"
        needed = (
            math.ceil(total_users * grow)
            if decided == "inconclusive" and math.isfinite(grow) and grow > 1
            else None
        )
        decisions.append(
            Decision(
                treatment=arm,
                control=control,
                difference=difference,
                low=low,
                high=high,
                relative=difference / base if base else None,
                p_value=p,
                p_adjusted=p_adj,
                test=test,
                mde=mde,
                power=power,
                users_needed=needed,
                decision=decided,
            )
        )
    for decision in decisions:
        findings.extend(_findings(decision, experiment))
    kept = Arms(
        metric=metric,
        lower_is_better=lower,
        arms=[
            ArmShown(
                name=a.name,
                users=a.users,
                observations=a.observations,
                mean=_finite(a.mean),
                low=_finite(a.low),
                high=_finite(a.high),
            )
            for a in shown
        ],
        decisions=decisions,
    )
    findings.append(kept.finding(HARM, f"{metric} per arm (mean over users, 95% interval)"))
    arms_text = "; ".join(f"{a.name}: {_unit(metric, a.mean)} over {a.users} users" for a in shown)
    clean = (
        "; ".join(_sentence(d, metric) for d in decisions) or "no arm to compare"
    ) + f" ({arms_text}; {seen.source})"
    measured_all = not any(f.evidence.get("cause") == "unmeasured" for f in findings)
    metrics = _metrics(decisions if measured_all else [], lower, len(users))
    return outcome(findings, worst_summary(findings, clean), metrics)


def _unit(metric: str, value: float) -> str:
    if not math.isfinite(value):
        return "n/a"
    if metric == "accuracy" or (0 <= value <= 1 and metric not in ("latency_ms", "cost")):
        return percent(value) if metric == "accuracy" else f"{value:.3g}"
    return f"{value:.4g}"


def _signed(metric: str, value: float) -> str:
    if metric == "accuracy":
        return f"{value * 100:+.1f} points"
    return f"{value:+.4g}"


def _sentence(d: Decision, metric: str) -> str:
    interval = f"[{_signed(metric, d.low)}, {_signed(metric, d.high)}]"
    what = {
        "ship": f"{d.treatment} is better than {d.control}",
        "keep": f"{d.treatment} is worse than {d.control}: keep {d.control}",
        "equivalent": f"{d.treatment} and {d.control} do not differ by the minimum effect",
        "inconclusive": f"no credible difference between {d.treatment} and {d.control}",
        "invalid": f"no decision on {d.treatment}: the assignment is broken",
    }[d.decision]
    power = f", power {d.power:.0%} against the minimum effect" if d.power is not None else ""
    return (
        f"{what}: {metric} {_signed(metric, d.difference)} {interval} ({d.test}, "
        f"p = {d.p_adjusted:.2g}; detectable: {_signed(metric, d.mde).lstrip('+')}{power})"
    )


def _findings(d: Decision, experiment: Experiment) -> list[Finding]:
    metric = experiment.metric
    if d.decision == "keep":
        return [
            finding(
                HARM,
                "fail",
                _sentence(d, metric),
                arm=d.treatment,
                difference=d.difference,
                low=d.low,
                high=d.high,
                p_value=d.p_adjusted,
            )
        ]
    if d.decision == "invalid":
        return [
            finding(
                INVALID,
                "fail",
                f"{_sentence(d, metric)} (see experiment.assignment): rerun the experiment "
                "once users stay in their arm and the split is as planned",
                arm=d.treatment,
            )
        ]
    if d.decision == "inconclusive" and experiment.min_effect is not None:
        needed = (
            f"; about {d.users_needed} users in all would give {experiment.power:.0%} power"
            if d.users_needed
            else ""
        )
        return [
            finding(
                UNDERPOWERED,
                "warn",
                f"{_sentence(d, metric)}: the run cannot tell a difference of "
                f"{_signed(metric, experiment.min_effect).lstrip('+')} from none{needed}",
                arm=d.treatment,
                users_needed=d.users_needed,
            )
        ]
    return []


def _metrics(decisions: list[Decision], lower: bool, users: int) -> dict[str, float]:
    metrics: dict[str, float] = {"users_observed": float(users)}
    if not decisions:
        return metrics
    # the arm that is worst for the team: its interval's bound on the bad side is lowest
    worst = min(decisions, key=lambda d: -d.high if lower else d.low)
    metrics.update(
        {
            "difference": worst.difference,
            "difference_low": worst.low,
            "difference_high": worst.high,
            "p_value": worst.p_adjusted,
            "mde": worst.mde,
        }
    )
    if worst.power is not None:
        metrics["power"] = worst.power
    return metrics


HARM = Kind(
    "experiment_harm",
    "an arm of the experiment is credibly worse than the control",
    (
        "The new model (or feature) made the metric worse for real users, by more than chance "
        "explains. Promoting it would ship the harm to everyone."
    ),
    (
        "Read the interval: how much worse, at best and at worst? Split by user group and by "
        "time: a harm in one group or after one deployment points at the cause."
    ),
    (
        "Keep the control; stop the canary. Fix the model offline (sekit check model, "
        "sekit check release against the deployed one) before the next experiment."
    ),
    trust=(
        "Fisher's exact test (one labelled answer per user) or Welch's t-test on the users' "
        "means, two-sided, Holm over the arms, at [experiment].alpha: a decision on a run with "
        "no difference is taken alpha of the time by design; measured 5.85% (interval 4.9% "
        "to 7.0%) in 2000 simulated A/A runs at alpha = 0.05, and 81.8% power at the stated "
        "80% (benchmarks/experiment.py)."
    ),
)
INVALID = Kind(
    "invalid_experiment",
    "the experiment's numbers cannot decide: its assignment is broken",
    (
        "With users in two arms or a sample-ratio mismatch, the arms are no longer comparable "
        "groups: a difference may come from who was lost, not from the model."
    ),
    "Read experiment.assignment's finding: which users, which arm.",
    "Fix the assignment and rerun; do not decide from this run.",
    trust="Follows experiment.assignment's findings exactly.",
)
UNDERPOWERED = Kind(
    "underpowered_experiment",
    "the experiment cannot tell the minimum effect from no effect yet",
    (
        "A difference that is not significant is not evidence of no difference: with too few "
        "users, a real improvement or harm of the size the team cares about is missed most "
        "of the time. Deciding 'no change' from an underpowered run is a common mistake."
    ),
    (
        "Read the interval and the minimum detectable effect: is it larger than "
        "[experiment].min_effect? The finding gives the users the run would need."
    ),
    (
        "Run the experiment longer, send more traffic to the treatment, or accept a larger "
        "min_effect explicitly."
    ),
    trust=(
        "Power from the interval's half-width (normal approximation); measured: effects of "
        "the reported minimum detectable size were decided in 327 of 400 runs (81.8%) at the "
        "stated 80% (benchmarks/experiment.py)."
    ),
)

DIFFERENCE_CHECK = CheckSpec(
    id="experiment.difference",
    title="each arm against the control: difference, interval, test, power and decision",
    func=check_difference,
    emits="`experiment_harm` (an arm credibly worse, fail), `invalid_experiment` (broken "
    "assignment, fail), `underpowered_experiment` (undecided at the minimum effect, warn); "
    "error when an arm of the run has fewer than two users with an observation",
    kinds=(HARM, INVALID, UNDERPOWERED),
    metrics=(
        Metric(
            "experiment.users_observed",
            "users with at least one observation of the metric (sticky users only)",
            "Per user: the mean of their requests' (or labelled requests') values.",
            "Few users with feedback make wide intervals.",
            "Ask for feedback more often, or run longer.",
        ),
        Metric(
            "experiment.difference",
            "treatment minus control in the metric (with several arms: the worst arm)",
            "The difference of the users' means.",
            "Its sign says which arm did better; read it with its interval.",
            "Read the interval in the report.",
        ),
        Metric(
            "experiment.difference_low",
            "low end of the difference's interval (1 - alpha, Bonferroni over the arms)",
            "Newcombe's interval (one labelled answer per user) or Welch's t interval.",
            "Above 0: credibly higher in the treatment.",
            "Gate it (min = 0) to ship only a credible improvement of a higher-is-better metric.",
            gate="min = 0",
        ),
        Metric(
            "experiment.difference_high",
            "high end of the difference's interval",
            "Newcombe's interval (one labelled answer per user) or Welch's t interval.",
            "Below 0: credibly lower in the treatment.",
            "Gate it (max = 0) for a lower-is-better metric such as latency.",
        ),
        Metric(
            "experiment.p_value",
            "the difference test's p-value, Holm-adjusted over the arms",
            "Fisher's exact test or Welch's t-test on the users' means.",
            "Small: the arms differ by more than chance explains.",
            "Read it with the interval, never alone.",
        ),
        Metric(
            "experiment.mde",
            "the smallest difference the run could find at [experiment].power",
            "From the interval's half-width.",
            "Larger than the effect you care about: the run is too small.",
            "Run longer or send more users to the treatment.",
        ),
        Metric(
            "experiment.power",
            "the run's power against [experiment].min_effect",
            "Normal approximation from the interval's half-width.",
            "Below 0.8: a real effect of min_effect is missed too often.",
            "Run longer or send more users to the treatment.",
            gate="min = 0.8",
        ),
    ),
    settings=("[experiment]",),
    section=("[experiment]", Experiment),
    mlts=(
        MltsClaim(
            "infra-6",
            "'the model is tested via a canary process before it enters production "
            "serving environments' (a canary or A/B run judged with a test and its power)",
        ),
    ),
    figures=figures,
)
