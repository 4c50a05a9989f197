"""``load.locust``: the team's real service under a real Locust run.

By default the open model (:mod:`._open`): requests on a schedule, latency from the moment each
was due; ``[load].mode`` adds or chooses the closed loop (:mod:`._closed`, or the team's own
locustfile). Each run also loads sekit's probe of the generator (:mod:`._probe`), and the
verdict (:mod:`.verdict`) says whether the run measured the service at all (:mod:`.validity`).

:func:`run_worker` runs a Locust worker for a master started with ``sekit check load --master``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from sekit.checks.context import Context
from sekit.checks.findings import finding
from sekit.checks.load import locust
from sekit.checks.load.figures import figures
from sekit.checks.load.kinds import (
    ERROR_RATE,
    INVALID_MEASUREMENT,
    LATENCY,
    SERVICE_UNAVAILABLE,
    THROUGHPUT,
)
from sekit.checks.load.locust import STARTUP_MARGIN
from sekit.checks.load.options import LoadOptions
from sekit.checks.load.validity import read_generator
from sekit.checks.load.verdict import Run, judge, last_line
from sekit.checks.spec import CheckSpec, Metric, MltsClaim
from sekit.config.schema import Config, Load
from sekit.errors import UsageError
from sekit.results import Outcome
from sekit.subjects.service import RunningService, ServiceDown, external, started


def locustfile_of(ctx: Context, mode: locust.Mode) -> Path:
    """The locustfile of one run: the team's own (closed), else sekit's for ``mode``."""
    config = ctx.config
    if config.load.locustfile is not None:
        if not config.load.locustfile.is_file():
            raise UsageError(f"[load].locustfile {config.load.locustfile} does not exist")
        return config.load.locustfile
    assert config.service is not None  # the load suite needs [service] or a locustfile
    from sekit.checks.load.requests import max_items

    return locust.write_locustfile(
        config.service, config.load, ctx.workdir, mode, max_items=max_items(config)
    )


@contextlib.contextmanager
def target(ctx: Context) -> Iterator[RunningService]:
    """The service to load: the --url one, else [service] started for the run."""
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


def measure(
    ctx: Context, url: str, mode: locust.Mode, spread: locust.Distribution, name: str
) -> Run:
    """One Locust run against ``url`` with sekit's probe beside it; its results and generator.
    ``name`` prefixes its files in ``.sekit/``."""
    load = ctx.config.load
    prefix = ctx.workdir / name
    probe, report = locust.write_probe(ctx.workdir, load)
    limit = load.warmup + load.duration + STARTUP_MARGIN + (60 if spread.master else 0)
    files = [locustfile_of(ctx, mode), probe]
    locust.run(
        locust.command(files, url, load, prefix, spread, mode, ends_itself=True),
        cwd=ctx.workdir,
        log_path=prefix.with_suffix(".log"),
        limit=limit,
    )
    results = locust.read_results(prefix, load.warmup)
    generator = read_generator(report)
    if generator is not None and generator.failures:  # complete, unlike Locust's failures file
        results.failures_by_reason = dict(generator.failures)
    return Run(mode, results, generator, rate=load.target_rate if mode == "open" else None)


def check_load(ctx: Context) -> Outcome:
    config = ctx.config
    if ctx.options.of(LoadOptions).fault:
        return Outcome.skipped(reason="--fault: only load.fallback runs")
    modes = config.load.modes
    if "open" in modes and config.service is None:
        raise UsageError(
            "[load]: the open model sends the requests of [service] (endpoint, payload); "
            'with only a locustfile, set mode = "closed"'
        )
    spread = _spread(ctx)
    runs: list[Run] = []
    try:
        with target(ctx) as service:
            for mode in modes:
                name = "locust" if mode == modes[0] else f"locust-{mode}"
                runs.append(measure(ctx, service.url, mode, spread, name))
            died = not service.alive()
            tail = service.tail()
    except ServiceDown as down:
        return Outcome.from_findings(
            summary=down.message,
            findings=[
                finding(
                    SERVICE_UNAVAILABLE,
                    "fail",
                    down.message + last_line(down.log_tail),
                    log_tail=down.log_tail,
                    log=".sekit/service.log",
                )
            ],
        )
    return judge(config, runs, died=died, tail=tail, distribution=spread.__dict__)


def run_worker(config: Config, *, master_host: str, master_port: int, allow_remote: bool) -> int:
    """Run a Locust worker for a sekit master until the test ends, once per run of
    ``[load].mode`` (the master runs them in the same order); its exit code."""
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
    from sekit import processes

    log_path = ctx.workdir / f"locust-worker-{master_port}.log"
    for mode in config.load.modes:
        files = [locustfile_of(ctx, mode), locust.write_probe(ctx.workdir, config.load)[0]]
        with log_path.open("ab") as log:
            process = processes.spawn(
                locust.worker_command(files, master_host, master_port), cwd=ctx.workdir, log=log
            )
            try:
                limit = config.load.warmup + config.load.duration + 2 * STARTUP_MARGIN + 60
                code = processes.wait(process, limit)
            finally:
                processes.stop(process)
        if code != 0:
            return 1
    return 0


def _requires(config: Config) -> str | None:
    return None


# --- declarations ----------------------------------------------------------------------

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

LOAD_GENERATOR_DELAY = Metric(
    "load.generator_delay_ms",
    "the load generator's own delay (p99) in milliseconds",
    (
        "How late the load generator itself ran: the 99th percentile of its schedule lag (how "
        "late each arrival left) and its loop delay (how late a 10 ms sleep woke). Every latency "
        "it reports holds up to about this much of its own."
    ),
    "Compare it with the latency bounds; the finding says whether it could decide a verdict.",
    "Give the generator a CPU: fewer jobs beside it, more [load].processes.",
    gate=None,
)
LOAD_GENERATOR_CPU = Metric(
    "load.generator_cpu",
    "share of one CPU the busiest load-generator process used",
    "CPU seconds per second of the busiest Locust process; at 0.9 it sets the pace itself.",
    "Above 0.9 the run is invalid_measurement.",
    "Spread the load over [load].processes, or lower the rate.",
    gate=None,
)
CLOSED_METRICS = tuple(
    Metric(
        f"load.closed_{name}",
        f"{summary} (the closed loop, beside the open model)",
        (
            f"{summary[0].upper()}{summary[1:]} measured by the closed loop when [load].mode = "
            '"both": users that wait for each answer. Beside the open model\'s numbers it shows '
            "how much a closed loop understates latency when the service stalls."
        ),
        "Compare with the open model's numbers (load.p95_ms...).",
        "Latency bounds are judged on the open model; the closed loop measures capacity.",
        gate=None,
    )
    for name, summary in (
        ("requests", "requests completed in the measured period"),
        ("rps", "requests per second answered"),
        ("error_rate", "share of failed requests"),
        ("p50_ms", "median response time in milliseconds"),
        ("p95_ms", "95th percentile response time in milliseconds"),
        ("p99_ms", "99th percentile response time in milliseconds"),
    )
)

LOCUST_CHECK = CheckSpec(
    id="load.locust",
    title="Locust load test against the service",
    func=check_load,
    emits="`latency`, `error_rate`, `throughput` against their bounds (fail); "
    "`service_unavailable` with the service's last log line (fail); "
    "`invalid_measurement` when the run measured the load generator, not the service "
    "(error)",
    kinds=(LATENCY, ERROR_RATE, THROUGHPUT, SERVICE_UNAVAILABLE, INVALID_MEASUREMENT),
    metrics=(
        LOAD_REQUESTS,
        LOAD_RPS,
        LOAD_ERROR_RATE,
        LOAD_P50_MS,
        LOAD_P95_MS,
        LOAD_P99_MS,
        LOAD_GENERATOR_DELAY,
        LOAD_GENERATOR_CPU,
        *CLOSED_METRICS,
    ),
    requires=_requires,
    mlts=(
        MltsClaim(
            "monitor-6",
            "'regressions in ... serving latency, throughput': measured under load and gated",
        ),
    ),
    section=("[load]", Load),
    settings=("[service]", "[load]"),
    figures=figures,
)
