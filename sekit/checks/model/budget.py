"""``model.endpoint``: what calling the endpoint costs: latency, errors, time-outs, tokens and
money per call, over every call the model checks made in this run (the test set at least).

Budgets are gates on its metrics (``"endpoint.p95_ms" = { max = 800 }``,
``"endpoint.cost_per_call" = { max = 0.002 }``); the check itself warns when calls failed. A
replayed cassette gives the recorded latencies, so a gate on latency is judged on the calls as
they were recorded.

What one run of the team's pipeline costs comes from its own ledger (``[model].ledger``): one
JSON object per call the pipeline made in its last run, with the ``prompt_tokens`` and
``completion_tokens`` of the answer's ``usage`` (answers from the pipeline's cache cost nothing
and are not in it). A ledger that is configured but missing or unreadable is an input error:
a bound on the cost of a run that was not measured never passes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sekit.checks.context import Context
from sekit.checks.findings import finding, percent
from sekit.checks.spec import CheckSpec, Kind, Metric
from sekit.results import Finding, Outcome


def needs_endpoint(config: Any) -> str | None:
    model = config.model
    if model is None or model.endpoint is None:
        return "the model is not an endpoint ([model].endpoint)"
    return None


def check_endpoint(ctx: Context) -> Outcome:
    import numpy as np

    from sekit.subjects.model import endpoint_client, subject_from_config
    from sekit.subjects.testset import needs_labelled_test, test_set

    subject = subject_from_config(ctx)  # the endpoint as a model: its client is the run's
    client = endpoint_client(ctx)
    if not client.calls and needs_labelled_test(ctx.config) is None:
        _, frame, _ = test_set(ctx)
        subject.predict(frame)  # the test set at least, when no other check called it
    calls = client.calls
    model = ctx.config.model
    assert model is not None
    latencies = np.asarray([c.latency_ms for c in calls if c.status is not None], dtype=float)
    failed = [c for c in calls if not c.ok]
    timeouts = [c for c in calls if c.timed_out]
    tokens = [c.tokens_in + c.tokens_out for c in calls]
    metrics: dict[str, float | None] = {
        "endpoint.calls": float(len(calls)),
        "endpoint.p50_ms": float(np.percentile(latencies, 50)) if len(latencies) else None,
        "endpoint.p95_ms": float(np.percentile(latencies, 95)) if len(latencies) else None,
        "endpoint.error_rate": len(failed) / len(calls) if calls else None,
        "endpoint.timeout_rate": len(timeouts) / len(calls) if calls else None,
        "endpoint.tokens_per_call": float(np.mean(tokens)) if calls else None,
    }
    if calls:
        metrics["endpoint.prompt_tokens_per_call"] = float(np.mean([c.tokens_in for c in calls]))
        metrics["endpoint.completion_tokens_per_call"] = float(
            np.mean([c.tokens_out for c in calls])
        )
    if model.prices is not None and calls:
        cost = sum(_cost(c.tokens_in, c.tokens_out, model.prices) for c in calls)
        metrics["endpoint.cost_per_call"] = cost / len(calls)
    if model.ledger is not None:
        used = ledger(model.ledger)
        metrics["endpoint.run_calls"] = float(len(used))
        metrics["endpoint.run_tokens"] = float(sum(a + b for a, b in used))
        if model.prices is not None:
            prices = model.prices
            metrics["endpoint.cost_per_run"] = sum(_cost(a, b, prices) for a, b in used)
    findings: list[Finding] = []
    if failed:
        reasons: dict[str, int] = {}
        for call in failed:
            reasons[call.error or "?"] = reasons.get(call.error or "?", 0) + 1
        worst = sorted(reasons.items(), key=lambda kv: -kv[1])[:4]
        findings.append(
            finding(
                ENDPOINT_ERRORS,
                "warn",
                f"{percent(len(failed) / len(calls))} of {len(calls)} calls brought no answer: "
                + ", ".join(f"{why} ({n})" for why, n in worst),
                reasons=reasons,
                example=[{"request": str(failed[0].body)[:200], "error": failed[0].error}],
            )
        )
    p95 = metrics["endpoint.p95_ms"]
    summary = (
        f"{len(calls):,} calls, p95 {p95:.0f} ms, {percent(len(failed) / len(calls))} failed"
        if calls and p95 is not None
        else f"{len(calls)} calls"
    )
    if "endpoint.cost_per_call" in metrics and model.prices is not None:
        summary += f", {metrics['endpoint.cost_per_call']:.5f} {model.prices.currency} a call"
    return Outcome.from_findings(findings=findings, summary=summary, metrics=metrics)


def _cost(prompt_tokens: int, completion_tokens: int, prices: Any) -> float:
    return float(
        prompt_tokens * prices.input_per_1k / 1000 + completion_tokens * prices.output_per_1k / 1000
    )


def ledger(path: Path) -> list[tuple[int, int]]:
    """(prompt tokens, completion tokens) of each call in the pipeline's ledger."""
    import json

    from sekit.errors import InputError

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            path,
            f"cannot read the cost ledger ({exc.__class__.__name__})",
            key="model.ledger",
            hint="run the pipeline (dvc repro) so that its call stage writes it",
        ) from None
    used: list[tuple[int, int]] = []
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            tokens = (item["prompt_tokens"], item["completion_tokens"])
        except (ValueError, TypeError, KeyError):
            raise InputError(
                path,
                f"line {number} is not a call with prompt_tokens and completion_tokens",
                key="model.ledger",
            ) from None
        if not all(isinstance(t, int) and not isinstance(t, bool) and t >= 0 for t in tokens):
            raise InputError(
                path, f"line {number}: token counts must be whole numbers >= 0", key="model.ledger"
            )
        used.append(tokens)
    return used


ENDPOINT_ERRORS = Kind(
    "endpoint_errors",
    "calls to the model endpoint that brought no answer: an error status, a time-out, or an "
    "answer without the prediction",
    "A pipeline around a given endpoint must survive its failures; every failed call is a "
    "missing prediction (sekit counts it as a wrong answer in the model's metrics).",
    "The finding counts the calls by reason; `.sekit/service.log` or the endpoint's own log "
    "says why. Time-outs: is [model].call_timeout shorter than the endpoint's latency?",
    "Fix the endpoint or the request ([model].input, .output); gate the rate with "
    '"endpoint.error_rate" = { max = 0.01 }; give your pipeline retries and a fallback.',
)


def _metric(name: str, summary: str, gate: str | None = None) -> Metric:
    return Metric(
        name,
        summary,
        "A given endpoint has a budget: time per call, failures, and for a paid model tokens "
        "and money.",
        "Read model.endpoint's summary; replays of a cassette keep the recorded latencies.",
        "Lower the concurrency, shorten the prompt, cache answers by input, or pick another model.",
        gate,
    )


ENDPOINT_CHECK = CheckSpec(
    id="model.endpoint",
    title="what calling the endpoint costs",
    func=check_endpoint,
    emits="latency, errors, time-outs, tokens and cost per call as gateable metrics; "
    "`endpoint_errors` (warn) when calls brought no answer",
    kinds=(ENDPOINT_ERRORS,),
    metrics=(
        _metric("endpoint.calls", "calls made to the model endpoint in this run"),
        _metric("endpoint.p50_ms", "median latency of a call (ms)"),
        _metric("endpoint.p95_ms", "95th percentile latency of a call (ms)", "max = 1000"),
        _metric("endpoint.error_rate", "share of calls without an answer", "max = 0.01"),
        _metric("endpoint.timeout_rate", "share of calls that timed out", "max = 0.01"),
        _metric("endpoint.tokens_per_call", "tokens (prompt and answer) per call"),
        _metric(
            "endpoint.cost_per_call",
            "cost of a call from its tokens and [model.prices]",
            "max = 0.002",
        ),
        _metric("endpoint.prompt_tokens_per_call", "prompt tokens per call (usage)"),
        _metric("endpoint.completion_tokens_per_call", "answer tokens per call (usage)"),
        _metric("endpoint.run_calls", "calls the pipeline's last run made ([model].ledger)"),
        _metric("endpoint.run_tokens", "tokens the pipeline's last run used ([model].ledger)"),
        _metric(
            "endpoint.cost_per_run",
            "cost of the pipeline's last run, from its ledger and [model.prices]",
            "max = 1.0",
        ),
    ),
    settings=("[model].endpoint", "[model].call_timeout", "[model.prices]", "[model].ledger"),
    requires=needs_endpoint,
)
