"""``release.online``: the new model and the deployed one, side by side, on the team's service.

sekit starts ``[service].command`` twice, each with ``SEKIT_MODEL_PATH`` naming one model file
(``[model].baseline`` is the deployed model, ``[model].path`` the new one; a model given as an
MLflow URI is written to ``.sekit/`` with joblib first), or takes two running services
(``--url DEPLOYED --url NEW``). A real Locust run then sends the ``[service].payload`` bodies
with the ``[load]`` users, rate and duration:

* ``mode = "shadow"``: every request goes to both services, in random order, as a shadow
  deployment mirrors production traffic; the answers are compared input by input;
* ``mode = "canary"`` / ``"ab"``: each request goes to one service, the new one with
  probability ``weight`` (0.1 / 0.5), as a canary sees real traffic.

Every answer after the warm-up is recorded (arm, body, status, latency, prediction, fallback
mark) and judged:

* ``release_disagreement``: the share of distinct inputs on which the two models answer the
  same (``[release].prediction_field``; for regression within a relative ``tolerance``) is
  below ``min_agreement`` and so is the upper end of its 95% Wilson interval: a handful of
  inputs does not decide. The models are deterministic, so each distinct body counts once;
* ``release_latency``: the new model's p95 is above ``max_p95_ratio`` times the deployed
  model's, by more than ``latency_slack_ms``, and the bootstrap interval of the ratio lies
  above 1 (noise from a busy machine does not decide);
* ``release_errors``: the new model's share of failed answers, or of answers marked as its
  fallback, is above ``max_error_rate`` (default ``[load].max_error_rate``) and a one-sided
  exact test says it is above the deployed model's (when both degrade alike, the machine or the
  service is at its limit: a warning that points at ``sekit check load``); a new model with no
  successful answer always fails. In shadow mode the test is paired: both models answer each
  call back to back, in an order drawn per call, so a busy machine's bursts of timeouts hit
  both alike, and only the calls where exactly one model degraded count (an exact binomial
  test on them, McNemar's). Unpaired answers (canary, ab) get Fisher's exact test, which
  assumes independent answers: bursts make it optimistic, which the error-rate bound tempers.

Beside the traffic Locust loads sekit's probe of the generator (:mod:`sekit.checks.load.validity`):
a run whose generator fell behind, stalled or used a whole CPU did not measure the two models,
and a p95 difference no larger than the generator's own delay may be the generator's. Either
makes the check ``error`` (``invalid_measurement``), so the release is rolled back *because it
could not be measured*, with the reason, never because a busy runner made the new model look
slower.

In shadow mode each Locust user sends every request twice, so its rate is halved: the machine
serves the same number of requests as in ``sekit check load``, half to each model.

The check uses one Locust process (the answers are written by it, in order).
"""

from __future__ import annotations

from typing import Any

from sekit.checks.context import Context
from sekit.checks.findings import finding, worst_summary
from sekit.checks.load.kinds import INVALID_MEASUREMENT
from sekit.checks.load.validity import Generator, invalid, unclear_difference
from sekit.checks.release.compare import agreement_of, more_degraded
from sekit.checks.release.kinds import RELEASE_LATENCY
from sekit.checks.release.settings import Release
from sekit.checks.release.traffic import run_traffic
from sekit.checks.spec import CheckSpec, Kind, Metric, MltsClaim
from sekit.config.schema import Config
from sekit.errors import UsageError
from sekit.results import Finding, Outcome, Severity, Status
from sekit.subjects.answers import Arm, read_samples
from sekit.subjects.service import ServiceDown


def prediction_field(config: Config) -> str:
    release = config.table(Release) or Release()
    if release.prediction_field:
        return release.prediction_field
    if config.data is not None and config.data.label:
        return config.data.label
    raise UsageError(
        "[release].prediction_field is not set and there is no [data].label to default to",
        hint="name the field of the service's answer that holds the prediction",
    )


def check_online(ctx: Context) -> Outcome:
    config = ctx.config
    if config.service is None and len(ctx.options.urls) != 2:
        raise UsageError(
            "sekit check release needs [service] (sekit starts it once per model) or "
            "--url DEPLOYED --url NEW"
        )
    try:
        samples, died, generator = run_traffic(ctx, prediction_field(config))
    except ServiceDown as down:
        return Outcome.from_findings(
            summary=down.message,
            findings=[
                finding(
                    RELEASE_ERRORS,
                    "fail",
                    f"a service did not come up: {down.message}",
                    log_tail=down.log_tail,
                )
            ],
        )
    return judge(read_samples(samples), config, died=died, generator=generator, probed=True)


def judge(
    arms: dict[str, Arm],
    config: Config,
    *,
    died: list[str] | None = None,
    generator: Generator | None = None,
    probed: bool = False,
) -> Outcome:
    """The verdict on two arms' recorded answers (separate from the run, so it can be tested
    on recorded samples). ``probed``: the run had sekit's probe of the generator beside it, and
    ``generator`` is what it reported (None: nothing, which voids the run)."""
    from sekit import stats

    release = config.table(Release) or Release()
    limit = release.max_error_rate
    limit = config.load.max_error_rate if limit is None else limit
    deployed, candidate = arms["deployed"], arms["candidate"]
    findings: list[Finding] = []
    for arm in died or ():
        findings.append(finding(RELEASE_ERRORS, "fail", f"the {arm} model's service died"))
    if candidate.requests == 0 or deployed.requests == 0:
        empty = "new" if candidate.requests == 0 else "deployed"
        split = release.mode if release.mode == "shadow" else f"{release.mode} {release.share:g}"
        findings.append(
            finding(
                RELEASE_ERRORS,
                "fail",
                f"no answer from the {empty} model was recorded after the warm-up ({split}): "
                "lengthen [load].duration or raise the weight",
            )
        )
        return Outcome.from_findings(
            findings=findings,
            summary=findings[-1].message,
            metrics={"requests": float(candidate.requests + deployed.requests)},
        )
    degraded = candidate.degraded_rate or 0.0
    worse_p = more_degraded(candidate, deployed)
    told = (
        f"the new model failed {candidate.failures} and fell back on {candidate.fallbacks} of "
        f"{candidate.requests} requests ({degraded:.1%}, limit {limit:.1%}); the deployed "
        f"model: {deployed.failures} and {deployed.fallbacks} of {deployed.requests}"
    )
    evidence: dict[str, Any] = {
        "failures": candidate.failures,
        "fallbacks": candidate.fallbacks,
        "requests": candidate.requests,
        "deployed_failures": deployed.failures,
        "deployed_fallbacks": deployed.fallbacks,
        "p_value": worse_p,
    }
    if not candidate.latencies:
        findings.append(finding(RELEASE_ERRORS, "fail", f"{told}: no answer succeeded", **evidence))
    elif degraded > limit and worse_p < release.p_value:
        findings.append(finding(RELEASE_ERRORS, "fail", told, **evidence))
    elif degraded > limit:
        findings.append(
            finding(
                RELEASE_ERRORS,
                "warn",
                f"{told}: both models degrade alike (p = {worse_p:.2g}), so the service "
                "or the machine is at its limit, not the new model; see `sekit check load`",
                **evidence,
            )
        )
    agreement, compared, interval = agreement_of(arms, config)
    if agreement is not None and agreement < release.min_agreement:
        if interval[1] < release.min_agreement:
            findings.append(
                finding(
                    RELEASE_DISAGREEMENT,
                    "fail",
                    f"the two models agree on {agreement:.0%} of {compared} distinct inputs "
                    f"(95% interval {interval[0]:.0%}-{interval[1]:.0%}; required "
                    f"{release.min_agreement:.0%}): the new model changes answers users rely on",
                    agreement=agreement,
                    inputs=compared,
                    interval=list(interval),
                )
            )
        else:
            findings.append(
                finding(
                    RELEASE_DISAGREEMENT,
                    "info",
                    f"agreement {agreement:.0%} on {compared} distinct inputs is below "
                    f"{release.min_agreement:.0%}, but too few inputs to be sure (interval up to "
                    f"{interval[1]:.0%}): send more distinct payload bodies",
                    agreement=agreement,
                    inputs=compared,
                    interval=list(interval),
                )
            )
    ratio, ratio_interval = stats.quantile_ratio(candidate.latencies, deployed.latencies)
    p95_new, p95_old = candidate.p95(), deployed.p95()
    void = invalid(generator, None) if probed else None
    if void is None and generator is not None and p95_new is not None and p95_old is not None:
        void = unclear_difference(p95_new, p95_old, release.latency_slack_ms, generator)
    if void is not None:
        findings.append(
            finding(
                INVALID_MEASUREMENT,
                "fail",
                f"{void}; the run did not measure the two models",
                **(generator.evidence() if generator is not None else {}),
            )
        )
    elif (
        ratio is not None
        and p95_new is not None
        and p95_old is not None
        and ratio > release.max_p95_ratio
        and p95_new - p95_old > release.latency_slack_ms
        and ratio_interval[0] > 1.0
    ):
        findings.append(
            finding(
                RELEASE_LATENCY,
                "fail",
                f"the new model's p95 latency is {p95_new:.0f} ms against {p95_old:.0f} ms "
                f"deployed ({ratio:.2f}x, 95% interval {ratio_interval[0]:.2f}-"
                f"{ratio_interval[1]:.2f}x; limit {release.max_p95_ratio:g}x)",
                p95_ms=p95_new,
                deployed_p95_ms=p95_old,
                ratio=ratio,
                interval=list(ratio_interval),
                samples=[len(candidate.latencies), len(deployed.latencies)],
            )
        )
    metrics: dict[str, float | None] = {
        "agreement": agreement,
        "p95_ratio": ratio,
        "error_rate": candidate.error_rate,
        "fallback_rate": candidate.fallbacks / candidate.requests,
        "p95_ms": p95_new,
        "deployed_p95_ms": p95_old,
        "requests": float(candidate.requests + deployed.requests),
    }
    findings.sort(key=lambda f: f.severity is not Severity.FAIL)  # the blocking ones first
    shown = (
        f"{release.mode}: {candidate.requests} requests to the new model, {deployed.requests} to "
        f"the deployed one; agreement "
        f"{'n/a' if agreement is None else f'{agreement:.0%}'}, p95 {_ms(p95_new)} against "
        f"{_ms(p95_old)}, {degraded:.1%} failed or fell back"
    )
    result = Outcome.from_findings(
        findings=findings,
        summary=worst_summary(findings, shown),
        metrics=metrics,
    )
    return result.model_copy(update={"status": Status.ERROR}) if void is not None else result


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} ms"


# --- declarations ----------------------------------------------------------------------

RELEASE_DISAGREEMENT = Kind(
    "release_disagreement",
    "the new model answers differently from the deployed one on many inputs",
    (
        "Users and downstream systems rely on the deployed model's answers. A new model that "
        "changes a large share of them, even with the same average accuracy, changes the "
        "product: the change must be intended and reviewed, not discovered in production."
    ),
    (
        "Read .sekit/release-samples.jsonl (arm, body, status, ms, prediction, fallback) and "
        "compare the two models' answers on the inputs where they differ; run "
        "`sekit check model` on both."
    ),
    (
        "Keep the deployed model until the difference is understood; if it is intended, lower "
        "[release].min_agreement on purpose and say why in the release notes."
    ),
    trust=(
        "Fails only when the upper end of the 95% Wilson interval of the agreement is below "
        "[release].min_agreement; a copy of the deployed model never disagrees."
    ),
)
RELEASE_ERRORS = Kind(
    "release_errors",
    "the new model's service fails or falls back on requests",
    (
        "A new model that raises, misses its time budget or cannot be loaded turns the release "
        "into an outage (or into fallback answers for everyone)."
    ),
    "Read .sekit/release-candidate/service.log: the error or the fallback warnings.",
    "Fix the model (its features, its file) and release again; the deployed model stays.",
)
AGREEMENT = Metric(
    "release.agreement",
    "share of distinct inputs on which the new and the deployed model agree",
    "Both models' answers to the same payload bodies (shadow: the same requests; canary: the "
    "bodies both arms saw), compared input by input.",
    "Low agreement means the new model changes what users get.",
    "Look at the inputs where they differ before promoting.",
    gate="min = 0.9",
)
P95_RATIO = Metric(
    "release.p95_ratio",
    "the new model's p95 latency over the deployed model's",
    "Both services under the same Locust traffic, on the same machine.",
    "Above 1, the new model is slower; the finding needs its bootstrap interval above 1 too.",
    "Make the new model cheaper, or keep the deployed one.",
    gate="max = 1.5",
)
ERROR_RATE = Metric(
    "release.error_rate",
    "share of the new model's requests that failed",
    "HTTP failures of the new model's service during the release run.",
    "Every failure would reach a user after promotion.",
    "Read the new model's service log.",
    gate="max = 0.01",
)

ONLINE_CHECK = CheckSpec(
    id="release.online",
    title="the new model beside the deployed one on the real service (shadow, canary, A/B)",
    func=check_online,
    emits="`release_disagreement` (agreement credibly below [release].min_agreement), "
    "`release_latency` (p95 ratio credibly above [release].max_p95_ratio), "
    "`release_errors` (failed or fallback answers above the limit), all fail; "
    "`invalid_measurement` when the load generator could not keep up (error)",
    kinds=(RELEASE_DISAGREEMENT, RELEASE_LATENCY, RELEASE_ERRORS, INVALID_MEASUREMENT),
    metrics=(AGREEMENT, P95_RATIO, ERROR_RATE),
    settings=("[release]", "[model].baseline", "[service]", "[load]"),
    section=("[release]", Release),
    mlts=(
        MltsClaim(
            "infra-6",
            "'models are tested via a canary process before they enter production serving "
            "environments' (the new version beside the old one, on the real service)",
        ),
    ),
)
