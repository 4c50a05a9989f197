"""``load.locust``: the team's real service under a real Locust run.

:func:`run_worker` runs a Locust worker for a master started with ``sekit check load --master``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from sekit.checks.context import Context
from sekit.checks.load import locust
from sekit.checks.load.figures import History, figures
from sekit.checks.load.options import LoadOptions
from sekit.checks.load.service import RunningService, ServiceDown, external, started
from sekit.checks.spec import CheckSpec, Kind, Metric, MltsClaim
from sekit.config.schema import Config, Load
from sekit.errors import UsageError
from sekit.results import CheckResult, Finding, Severity

STARTUP_MARGIN = 60.0  # seconds Locust may take beyond warm-up + duration


def _finding(kind: str, severity: str, message: str, **evidence: Any) -> Finding:
    return Finding(kind=kind, severity=Severity(severity), message=message, evidence=evidence)


def locustfile_of(ctx: Context) -> Any:
    config = ctx.config
    if config.load.locustfile is not None:
        if not config.load.locustfile.is_file():
            raise UsageError(f"[load].locustfile {config.load.locustfile} does not exist")
        return config.load.locustfile
    assert config.service is not None  # the load suite needs [service] or a locustfile
    from sekit.checks.load.requests import max_items

    return locust.write_locustfile(
        config.service, config.load, ctx.workdir, max_items=max_items(config)
    )


@contextlib.contextmanager
def _target(ctx: Context) -> Iterator[RunningService]:
    config = ctx.config
    health = config.service.health if config.service is not None else "/health"
    if ctx.options.urls:
        with external(ctx.options.urls[0], health, allow_remote=ctx.options.allow_remote) as svc:
            yield svc
        return
    if config.service is None:
        raise UsageError("the load check needs [service] to start the service, or --url")
    with started(config.service, root=config.root, workdir=ctx.workdir) as service:
        yield service


def _spread(ctx: Context) -> locust.Distribution:
    options = ctx.options.of(LoadOptions)  # validated by the suite (--master-bind is local)
    if options.master:
        return locust.Distribution(
            master=True,
            expect_workers=options.expect_workers,
            bind=options.master_bind,
            port=options.master_port,
        )
    return locust.Distribution(processes=options.processes or ctx.config.load.processes)


def check_load(ctx: Context) -> CheckResult:
    config = ctx.config
    if ctx.options.of(LoadOptions).fault:
        return CheckResult.skipped(
            id="load.locust", suite="load", reason="--fault: only load.fallback runs"
        )
    load = config.load
    locustfile = locustfile_of(ctx)
    spread = _spread(ctx)
    prefix = ctx.workdir / "locust"
    limit = load.warmup + load.duration + STARTUP_MARGIN + (60 if spread.master else 0)
    try:
        with _target(ctx) as service:
            locust.run(
                locust.command(locustfile, service.url, load, prefix, spread),
                cwd=ctx.workdir,
                log_path=ctx.workdir / "locust.log",
                limit=limit,
            )
            died = not service.alive()
            tail = service.tail()
    except ServiceDown as down:
        return CheckResult.from_findings(
            id="load.locust",
            suite="load",
            summary=down.message,
            findings=[
                _finding(
                    "service_unavailable",
                    "fail",
                    down.message + _last(down.log_tail),
                    log_tail=down.log_tail,
                    log=".sekit/service.log",
                )
            ],
        )
    results = locust.read_results(prefix, load.warmup)
    return _judge(config, results, died=died, tail=tail, spread=spread)


def _last(lines: list[str]) -> str:
    return f"; last log line: {lines[-1].strip()[:160]}" if lines else ""


def bound_of(
    config: Config, name: str, explicit: float | None, *, upper: bool = True
) -> tuple[float | None, str]:
    """A bound from [load] (``max_p95_ms``, ``min_rps``), else from the gate on the metric."""
    key = f"max_{name}_ms" if upper else f"min_{name}"
    if explicit is not None:
        return explicit, f"[load].{key}"
    metric = f"load.{name}_ms" if upper else f"load.{name}"
    gate = config.gates.get(metric)
    value = None if gate is None else (gate.max if upper else gate.min)
    return value, f'gate "{metric}"'


def _judge(
    config: Config,
    results: locust.Results,
    *,
    died: bool,
    tail: list[str],
    spread: locust.Distribution,
) -> CheckResult:
    load = config.load
    findings: list[Finding] = []
    p50, p95, p99 = (results.percentile(q) for q in (0.5, 0.95, 0.99))
    metrics = {
        "requests": results.requests,
        "rps": results.rps,
        "error_rate": results.error_rate if results.requests else None,
        "p50_ms": p50,
        "p95_ms": p95,
        "p99_ms": p99,
        "failures": results.failures,
    }
    if died:
        findings.append(
            _finding(
                "service_unavailable",
                "fail",
                "the service died during the load test" + _last(tail),
                log_tail=tail,
                log=".sekit/service.log",
            )
        )
    if results.requests == 0:
        findings.append(
            _finding(
                "throughput",
                "fail",
                "no request completed during the measured period",
                duration_s=load.duration,
            )
        )
    elif results.failures:
        severity = "fail" if results.error_rate > load.max_error_rate else "warn"
        reasons = dict(sorted(results.failures_by_reason.items(), key=lambda kv: -kv[1])[:5])
        findings.append(
            _finding(
                "error_rate",
                severity,
                f"{results.failures:,} of {results.requests:,} requests "
                f"failed ({results.error_rate:.1%}, limit {load.max_error_rate:.1%}): "
                + ", ".join(f"{reason} x{count}" for reason, count in reasons.items()),
                failures=results.failures,
                reasons=reasons,
            )
        )
    for name, value, explicit in (
        ("p50", p50, load.max_p50_ms),
        ("p95", p95, load.max_p95_ms),
        ("p99", p99, load.max_p99_ms),
    ):
        bound, source = bound_of(config, name, explicit)
        if bound is not None and value is not None and value > bound:
            findings.append(
                _finding(
                    "latency",
                    "fail",
                    f"{name} latency is {value:g} ms, above the bound of {bound:g} ms ({source})",
                    percentile=name,
                    value_ms=value,
                    bound_ms=bound,
                    users=load.users,
                )
            )
    min_rps, rps_source = bound_of(config, "rps", load.min_rps, upper=False)
    if min_rps is not None and results.rps < min_rps:
        findings.append(
            _finding(
                "throughput",
                "fail",
                f"{results.rps:.1f} requests/s, below the required {min_rps:g} ({rps_source})",
                rps=results.rps,
                required=min_rps,
            )
        )
    kept = History.model_validate(
        {"history": results.history, "users": load.users, "distribution": spread.__dict__}
    )
    findings.append(kept.finding("per-second history (warm-up marked)"))
    summary = (
        f"{results.requests:,} requests, {results.rps:.0f}/s, p50 {p50:g} ms, "
        f"p95 {p95:g} ms, p99 {p99:g} ms, {results.error_rate:.1%} errors"
        if results.requests and p50 is not None
        else "no requests measured"
    )
    serious = [f for f in findings if f.severity is not Severity.INFO]
    if serious:
        summary = (
            serious[0].message
            if len(serious) == 1
            else f"{serious[0].message} (+{len(serious) - 1} more)"
        )
    return CheckResult.from_findings(
        id="load.locust", suite="load", findings=findings, summary=summary, metrics=metrics
    )


def run_worker(config: Config, *, master_host: str, master_port: int, allow_remote: bool) -> int:
    """Run one Locust worker for a sekit master until the test ends; its exit code."""
    import ipaddress
    import socket

    if not allow_remote:
        address = ipaddress.ip_address(socket.gethostbyname(master_host))
        if not address.is_loopback:
            raise UsageError(
                f"--master-host {master_host!r} is not this machine; pass "
                "--allow-remote to join a master elsewhere"
            )
    ctx = Context(config)
    locustfile = locustfile_of(ctx)
    from sekit import processes

    log_path = ctx.workdir / f"locust-worker-{master_port}.log"
    with log_path.open("ab") as log:
        process = processes.spawn(
            locust.worker_command(locustfile, master_host, master_port), cwd=ctx.workdir, log=log
        )
        try:
            limit = config.load.warmup + config.load.duration + 2 * STARTUP_MARGIN + 60
            code = processes.wait(process, limit)
        finally:
            processes.stop(process)
    return 0 if code == 0 else 1


def _requires(config: Config) -> str | None:
    return None


# --- declarations ----------------------------------------------------------------------

LATENCY = Kind(
    "latency",
    "a latency percentile above its bound",
    (
        "Users feel the tail, not the mean: the 95th or 99th percentile decides whether the "
        "service feels slow, and queues make tails grow fast under load."
    ),
    (
        "Look at the per-second history in the report: is latency high from the start (slow code) "
        "or growing (a queue: too little capacity)?"
    ),
    (
        "Profile one request; avoid blocking calls in async endpoints, load the model once, batch "
        "or cache; then add capacity."
    ),
)
ERROR_RATE = Kind(
    "error_rate",
    "too many requests failed",
    (
        "Failed requests are failed users; a few percent of errors under load usually means "
        "timeouts or exhausted resources."
    ),
    "Read the failure reasons in the finding and the service log (.sekit/service.log).",
    "Fix the errors the log shows; return 4xx for bad input, never 500.",
)
THROUGHPUT = Kind(
    "throughput",
    "fewer requests per second than required",
    ("If the service cannot serve the expected request rate, queues grow until requests time out."),
    "Compare the achieved rate with the required one and watch the latency history.",
    "Make each request cheaper, or run more workers or replicas.",
)
SERVICE_UNAVAILABLE = Kind(
    "service_unavailable",
    "the service never came up or died during the run",
    (
        "A service that does not start or dies under load is an outage, whatever the model's "
        "accuracy."
    ),
    "Read the last lines of .sekit/service.log that the finding shows.",
    (
        "Fix the start-up error (missing model file, import error, port), or the crash under load "
        "(memory, unhandled exceptions)."
    ),
)
LOAD_REQUESTS = Metric(
    "load.requests",
    "requests sent during the measured period",
    "Requests completed in the measured period (after the warm-up).",
    "Too few make the percentiles unreliable.",
    "Lengthen [load].duration.",
    gate=None,
)
LOAD_RPS = Metric(
    "load.rps",
    "requests per second achieved",
    "Requests per second the service answered under the configured load.",
    "Compare with the expected peak traffic.",
    "Cheaper requests, more workers.",
    gate="min = 50",
)
LOAD_ERROR_RATE = Metric(
    "load.error_rate",
    "share of failed requests",
    "The share of failed requests under load.",
    "See error_rate findings and the log.",
    "Fix what fails.",
    gate="max = 0.01",
)
LOAD_P50_MS = Metric(
    "load.p50_ms",
    "median response time in milliseconds",
    "The median response time: what a typical request feels like.",
    "See the latency history.",
    "Make the request path cheaper.",
    gate="max = 50",
)
LOAD_P95_MS = Metric(
    "load.p95_ms",
    "95th percentile response time in milliseconds",
    "The time 95% of requests stay under: the tail users notice.",
    "See the latency history.",
    "Remove blocking work, add capacity.",
    gate="max = 200",
)
LOAD_P99_MS = Metric(
    "load.p99_ms",
    "99th percentile response time in milliseconds",
    "The 99th percentile: one request in a hundred is slower.",
    "Outliers often come from garbage collection, cold caches or queues.",
    "Remove blocking work, warm caches.",
    gate="max = 500",
)

SPECS = (
    CheckSpec(
        id="load.locust",
        title="Locust load test against the service",
        func=check_load,
        emits="`latency`, `error_rate`, `throughput` against their bounds (fail); "
        "`service_unavailable` with the service's last log line (fail)",
        kinds=(LATENCY, ERROR_RATE, THROUGHPUT, SERVICE_UNAVAILABLE),
        metrics=(LOAD_REQUESTS, LOAD_RPS, LOAD_ERROR_RATE, LOAD_P50_MS, LOAD_P95_MS, LOAD_P99_MS),
        requires=_requires,
        mlts=(
            MltsClaim(
                "monitor-6",
                "'regressions in ... serving latency, throughput': measured under load and gated",
            ),
        ),
        section=("[load]", Load),
        settings=("[service]", "[load]"),
        order=10,
        figures=figures,
    ),
)
