"""``load.fallback``: the service keeps answering, in time, when its model fails.

sekit starts the team's service with ``SEKIT_MODEL_PATH`` naming a copy of the model that fails
on purpose (:class:`sekit.faults.FaultyModel`, pickled with joblib): ``model-error`` raises on
every prediction, ``model-slow`` answers only after :data:`sekit.faults.SLOW_S` seconds. The
usual ``[load]`` traffic then runs against it (real Locust), and a few requests are sent
directly to read the answers. The service passes when, under each fault,

* it keeps the error-rate and latency bounds of the load check (a fallback answer in time, not
  a 500 and not a wait for the slow model);
* its answers say they are fallbacks: a true ``[service].fallback_field`` (default
  ``fallback``) in the JSON answer;
* its log says so (a line with "fallback"; a warning when it does not).

Anything else is ``no_fallback``. It runs when asked: ``sekit check load --fault model-error``
(or ``model-slow``), or ``[load].faults = ["model-error", "model-slow"]`` for every run. The
service must load the model from ``SEKIT_MODEL_PATH`` (the scaffold's does); a ``--url``
service cannot be given a faulty model, so the check is skipped with ``--url``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sekit.checks.context import Context
from sekit.checks.findings import finding
from sekit.checks.load import locust
from sekit.checks.load.check import measure
from sekit.checks.load.kinds import INVALID_MEASUREMENT, NO_FALLBACK
from sekit.checks.load.options import LoadOptions
from sekit.checks.load.validity import invalid, undecided
from sekit.checks.load.verdict import Run, bound_of, latency_bounds
from sekit.checks.spec import CheckSpec, Metric
from sekit.faults import SLOW_S, FaultyModel
from sekit.results import Finding, Outcome, Severity, Status
from sekit.subjects.service import ServiceDown, started

FAULTS = ("model-error", "model-slow")
PROBES = 5


def _no_fallback(severity: str, message: str, **evidence: Any) -> Finding:
    return finding(NO_FALLBACK, severity, message, **evidence)


def _faults(ctx: Context) -> list[str]:
    chosen = ctx.options.of(LoadOptions).fault
    return [chosen] if chosen else list(ctx.config.load.faults)


def check_fallback(ctx: Context) -> Outcome:
    config = ctx.config
    faults = _faults(ctx)
    if not faults:
        return Outcome.skipped(
            reason="no fault to inject: sekit check load --fault model-error|model-slow, "
            "or [load].faults",
        )
    if ctx.options.urls or config.service is None:
        return Outcome.skipped(
            reason="a faulty model can only be given to a service that sekit starts "
            "([service].command, without --url)",
        )
    import joblib

    from sekit.subjects.model import subject_from_config

    model = subject_from_config(ctx).model
    findings: list[Finding] = []
    metrics: dict[str, float | None] = {}
    for fault in faults:
        path = ctx.workdir / f"faulty-{fault}.joblib"
        joblib.dump(FaultyModel(model, fault), path)
        found, measured = _under(ctx, fault, path)
        findings += found
        for name, value in measured.items():  # the worst fault decides
            previous = metrics.get(name)
            worse = min if name == "fallback_marked" else max
            metrics[name] = value if previous is None or value is None else worse(previous, value)
    serious = [f for f in findings if f.severity is not Severity.INFO]
    summary = (
        serious[0].message
        if serious
        else f"under {', '.join(faults)} every answer came in time, marked as a fallback"
    )
    result = Outcome.from_findings(findings=findings, summary=summary, metrics=metrics)
    if any(f.kind == INVALID_MEASUREMENT.name for f in findings):
        return result.model_copy(update={"status": Status.ERROR})
    return result


def _under(ctx: Context, fault: str, model_path: Path) -> tuple[list[Finding], dict[str, Any]]:
    """Run the load test and the probes with one fault injected; findings and metrics."""
    config = ctx.config
    assert config.service is not None
    workdir = ctx.workdir / f"service-{fault}"
    workdir.mkdir(parents=True, exist_ok=True)
    environment = {"SEKIT_MODEL_PATH": str(model_path)}
    mode = config.load.modes[0]
    try:
        with started(config.service, root=config.root, workdir=workdir, env=environment) as svc:
            run = measure(ctx, svc.url, mode, locust.Distribution(), f"fault-{fault}")
            answers = _probe(svc.url, config.service)
            died = not svc.alive()
        log_text = (workdir / "service.log").read_text(encoding="utf-8", errors="replace")
    except ServiceDown as down:
        return [
            _no_fallback(
                "fail",
                f"under {fault} the service did not come up: {down.message}",
                fault=fault,
                log_tail=down.log_tail,
            )
        ], {}
    return _judge(ctx, fault, run, answers, died=died, log_text=log_text)


def _probe(url: str, service: Any) -> list[tuple[int, Any]]:
    """A few requests sent directly, to read the answers (Locust keeps no bodies)."""
    import httpx

    from sekit.checks.load.requests import planned
    from sekit.net import http, join

    requests = planned(service, locust.payloads(service))
    answers: list[tuple[int, Any]] = []
    for index in range(PROBES):
        request = requests[index % len(requests)]
        try:
            target = join(url, request.path, what="[service].endpoint")
            with http.client(timeout=SLOW_S * 5) as client:
                response = client.request(service.method, target, json=request.body)
            try:
                body: Any = response.json()
            except ValueError:
                body = response.text[:200]
            answers.append((response.status_code, body))
        except httpx.HTTPError as exc:
            answers.append((0, f"{type(exc).__name__}: {exc}"[:200]))
    return answers


def _judge(
    ctx: Context,
    fault: str,
    run: Run,
    answers: list[tuple[int, Any]],
    *,
    died: bool,
    log_text: str,
) -> tuple[list[Finding], dict[str, Any]]:
    config = ctx.config
    assert config.service is not None
    field = config.service.fallback_field
    load = config.load
    results = run.results
    tightest = min((bound for _, bound, _ in latency_bounds(config)), default=None)
    reason = invalid(run.generator, tightest)
    if reason is not None:
        evidence = run.generator.evidence() if run.generator is not None else {}
        return [
            Finding(
                kind=INVALID_MEASUREMENT.name,
                severity=Severity.FAIL,
                message=f"under {fault}: {reason}; the run did not measure the service",
                evidence={"fault": fault, **evidence},
            )
        ], {}
    findings: list[Finding] = []
    p95 = results.percentile(0.95)
    marked = sum(1 for status, body in answers if status < 300 and _marked(body, field))
    metrics = {
        "fallback_error_rate": results.error_rate if results.requests else None,
        "fallback_p95_ms": p95,
        "fallback_marked": marked / len(answers) if answers else None,
    }
    if died:
        findings.append(_no_fallback("fail", f"under {fault} the service died", fault=fault))
    if results.requests == 0:
        findings.append(_no_fallback("fail", f"under {fault} no request completed", fault=fault))
    elif results.error_rate > load.max_error_rate:
        reasons = dict(sorted(results.failures_by_reason.items(), key=lambda kv: -kv[1])[:3])
        findings.append(
            _no_fallback(
                "fail",
                f"under {fault} {results.error_rate:.0%} of requests failed (limit "
                f"{load.max_error_rate:.0%}): the model's failure reaches the users",
                fault=fault,
                reasons=reasons,
            )
        )
    bound, source = bound_of(config, "p95", load.max_p95_ms)
    generator = run.generator
    if bound is not None and p95 is not None and p95 > bound:
        if generator is not None and (doubt := undecided("p95", p95, bound, generator)):
            findings.append(
                Finding(
                    kind=INVALID_MEASUREMENT.name,
                    severity=Severity.FAIL,
                    message=f"under {fault}: {doubt}",
                    evidence={"fault": fault, **generator.evidence()},
                )
            )
            return findings, metrics
        findings.append(
            _no_fallback(
                "fail",
                f"under {fault} the p95 latency is {p95:g} ms, above {bound:g} ms ({source}): "
                "the service waits for the model instead of answering within a budget",
                fault=fault,
                p95_ms=p95,
                bound_ms=bound,
            )
        )
    if answers and marked < len(answers):
        shown = next(body for status, body in answers if not _marked(body, field) or status >= 300)
        findings.append(
            _no_fallback(
                "fail",
                f"under {fault} {len(answers) - marked} of {len(answers)} answers were not marked "
                f"as fallbacks (a true {field!r} field), e.g. {str(shown)[:120]}",
                fault=fault,
                answers=[[s, b] for s, b in answers],
            )
        )
    if "fallback" not in log_text.lower():
        findings.append(
            _no_fallback(
                "warn",
                f"under {fault} the service's log never mentions a fallback: operators cannot "
                "see that answers are degraded",
                fault=fault,
            )
        )
    return findings, metrics


def _marked(body: Any, field: str) -> bool:
    return isinstance(body, dict) and bool(body.get(field))


# --- declarations ----------------------------------------------------------------------

FALLBACK_ERROR_RATE = Metric(
    "load.fallback_error_rate",
    "share of failed requests while the model fails",
    "The error rate of the load test with a fault injected into the model (worst fault).",
    "Every failed request is a model failure that reached a user.",
    "Answer with the fallback instead of an error.",
    gate="max = 0.01",
)
FALLBACK_P95 = Metric(
    "load.fallback_p95_ms",
    "95th percentile latency while the model fails",
    "The p95 latency of the load test with a fault injected into the model (worst fault).",
    "Above the bound, the service waits for a slow model instead of answering in time.",
    "Give the model a time budget below the latency bound.",
    gate="max = 200",
)
FALLBACK_MARKED = Metric(
    "load.fallback_marked",
    "share of answers marked as fallbacks while the model fails",
    "Of the answers read directly during a fault, the share with a true fallback field.",
    "An unmarked fallback looks like a real prediction to the caller.",
    "Add the field ([service].fallback_field) to every fallback answer.",
    gate="min = 1",
)

FALLBACK_CHECK = CheckSpec(
    id="load.fallback",
    title="the service's fallback when the model fails (fault injection)",
    func=check_fallback,
    emits="`no_fallback` when, with a failing or slow model injected, requests fail, "
    "latency breaks its bound or answers are not marked (fail), or the log is silent "
    "(warn); skipped unless --fault or [load].faults",
    kinds=(NO_FALLBACK,),
    metrics=(FALLBACK_ERROR_RATE, FALLBACK_P95, FALLBACK_MARKED),
    settings=("[service].fallback_field", "[load].faults"),
)
