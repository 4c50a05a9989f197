"""``endpoint.faults``: the team's client of the endpoint (``[client].command``) run against a
faulty stand-in of it on loopback (:class:`~sekit.endpoint.faults.FaultProxy`): under
``rate-limit`` (429 with ``Retry-After``) and ``timeout`` (late answers) it must retry, wait
between attempts, get through every request that can get through, and answer every input,
marking a fallback where the endpoint never answered.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sekit.checks.context import Context
from sekit.checks.endpoint.kinds import CLIENT_CRASH, NO_BACKOFF, NO_RETRY
from sekit.checks.endpoint.options import EndpointOptions
from sekit.checks.endpoint.settings import Client
from sekit.checks.findings import finding, percent
from sekit.checks.load.kinds import NO_FALLBACK
from sekit.checks.spec import CheckSpec, Metric
from sekit.results import Finding, Outcome


def _faults(ctx: Context) -> list[str]:
    chosen = ctx.options.of(EndpointOptions).fault
    settings = ctx.config.table(Client)
    return [chosen] if chosen else list(settings.faults if settings is not None else [])


def check_faults(ctx: Context) -> Outcome:
    faults = _faults(ctx)
    if not faults:
        return Outcome.skipped(
            reason="no fault to inject: sekit check endpoint --fault rate-limit|timeout, or "
            "[client].faults",
        )
    findings: list[Finding] = []
    metrics: dict[str, float | None] = {}
    for fault in faults:
        found, measured = _under(ctx, fault)
        findings += found
        metrics.update({f"client.{fault}.{k}": v for k, v in measured.items()})
    blocking = [f for f in findings if f.severity.value == "fail"]
    summary = (
        blocking[0].message
        if blocking
        else f"retried, waited and fell back under {' and '.join(faults)}"
    )
    return Outcome.from_findings(findings=findings, summary=summary, metrics=metrics)


def _under(ctx: Context, fault: str) -> tuple[list[Finding], dict[str, float | None]]:
    import itertools
    import shlex
    import statistics
    import time

    from sekit import processes
    from sekit.endpoint import running_endpoint
    from sekit.endpoint.faults import FaultProxy

    config = ctx.config
    settings = config.table(Client)
    assert settings is not None
    upstream = running_endpoint(ctx)  # the real endpoint, or its stand-in started for the run
    output = ctx.workdir / "faults" / f"{fault}.jsonl"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.unlink(missing_ok=True)
    log_path = ctx.workdir / "faults" / f"{fault}.log"
    with FaultProxy(
        upstream, fault, seed=ctx.options.seed, allow_remote=ctx.options.allow_remote
    ) as proxy:
        command = settings.command.replace("{url}", proxy.url + _path(upstream))
        argv = shlex.split(command.replace("{output}", str(output)))
        start = time.monotonic()
        with log_path.open("wb") as log:
            process = processes.spawn(
                processes.resolve(argv, what="[client].command"), cwd=config.root, log=log
            )
            try:
                code = processes.wait(process, settings.timeout)
            finally:
                processes.stop(process)
        seconds = time.monotonic() - start
    calls = dict(proxy.calls)
    findings: list[Finding] = []
    if code != 0:
        tail = log_path.read_text(errors="replace").strip().splitlines()[-5:]
        why = "did not finish in time" if code is None else f"exited with {code}"
        findings.append(
            finding(
                CLIENT_CRASH,
                "fail",
                f"under {fault}, [client].command {why}",
                fault=fault,
                log=tail,
            )
        )
    answers = _read(output, settings.fallback_field)
    doomed = [key for key in calls if proxy.doomed(key)]
    passable = [key for key in calls if not proxy.doomed(key)]
    through = [key for key in passable if calls[key][-1].answered]
    gaps = [
        later.at - earlier.at
        for attempts in calls.values()
        for earlier, later in itertools.pairwise(attempts)
    ]
    retried = len(through) / len(passable) if passable else None
    if passable and retried is not None and retried < settings.min_retried:
        findings.append(
            finding(
                NO_RETRY,
                "fail",
                f"under {fault}, {percent(1 - retried)} of the requests the endpoint would have "
                f"answered after {proxy.attempts} faulty answers never got through: retry them",
                fault=fault,
                requests=len(passable),
                through=len(through),
            )
        )
    wanted_gap = proxy.retry_after if fault == "rate-limit" else 0.05
    hasty = [g for g in gaps if g < 0.8 * wanted_gap]
    if gaps and len(hasty) > 0.1 * len(gaps):
        findings.append(
            finding(
                NO_BACKOFF,
                "fail",
                f"under {fault}, {percent(len(hasty) / len(gaps))} of the retries came sooner "
                f"than {wanted_gap:g} s after the last attempt"
                + (" (the 429's Retry-After)" if fault == "rate-limit" else ""),
                fault=fault,
                median_gap_s=statistics.median(gaps),
            )
        )
    marked = answers.get("fallbacks", 0)
    if code == 0 and (answers["lines"] < len(calls) or (doomed and marked < len(doomed))):
        findings.append(
            finding(
                NO_FALLBACK,
                "fail",
                f"under {fault}, {len(doomed)} requests never got an answer from the endpoint, "
                f"but the client wrote {answers['lines']} answers for {len(calls)} inputs, "
                f"{marked} marked '{settings.fallback_field}'",
                fault=fault,
            )
        )
    measured: dict[str, float | None] = {
        "requests": float(len(calls)),
        "retried_share": retried,
        "fallback_share": marked / answers["lines"] if answers["lines"] else None,
        "seconds": seconds,
    }
    return findings, measured


def _path(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).path


def _read(path: Path, field: str) -> dict[str, int]:
    import json

    lines = fallbacks = 0
    if path.is_file():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                item: Any = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(item, dict):
                lines += 1
                fallbacks += bool(item.get(field))
    return {"lines": lines, "fallbacks": fallbacks}


FAULTS_CHECK = CheckSpec(
    id="endpoint.faults",
    title="the team's client under 429s and time-outs",
    func=check_faults,
    emits="`client_crash`, `no_retry`, `no_backoff`, `no_fallback` under a faulty "
    "stand-in of the endpoint (fail); skipped unless --fault or [client].faults",
    kinds=(CLIENT_CRASH, NO_RETRY, NO_BACKOFF, NO_FALLBACK),
    metrics=(
        Metric(
            "client.rate-limit.retried_share",
            "share of the requests that could get through under 429s that did",
            "Requests given up are inputs without an answer.",
            "Read endpoint.faults' finding.",
            "Retry with back-off.",
            "min = 0.9",
        ),
    ),
    settings=("[client]",),
)
