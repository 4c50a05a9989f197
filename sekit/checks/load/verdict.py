"""``load.locust``'s verdict on its runs: bounds, errors, and whether each run measured the
service at all.

Which run decides what: latency bounds are judged on the open model when it ran (a closed loop
understates stalls), throughput (``min_rps``, capacity) on the closed one when it ran, errors on
every run. The first run's numbers carry the SPEC's names (``load.p95_ms``...); a closed run
beside an open one is reported as ``load.closed_*``. A run that did not measure the service
(:mod:`.validity`) makes the check ``error``: its numbers stay out of the metrics (a gate on
them is then not measured, and blocks) and go into the finding's evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sekit.checks.findings import finding
from sekit.checks.load import locust
from sekit.checks.load.figures import History
from sekit.checks.load.kinds import (
    ERROR_RATE,
    INVALID_MEASUREMENT,
    LATENCY,
    SERVICE_UNAVAILABLE,
    THROUGHPUT,
)
from sekit.checks.load.validity import Generator, invalid, undecided
from sekit.config.schema import Config
from sekit.results import Finding, Outcome, Severity, Status

PERCENTILES = (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))


@dataclass(frozen=True)
class Run:
    """One Locust run: its model, its results and how its generator kept up."""

    mode: Literal["open", "closed"]
    results: locust.Results
    generator: Generator | None
    rate: float | None = None  # the open model's arrival rate

    def latencies(self) -> dict[str, float | None]:
        return {name: self.results.percentile(q) for name, q in PERCENTILES}

    def metrics(self) -> dict[str, float | None]:
        results = self.results
        return {
            "requests": results.requests,
            "rps": results.rps,
            "error_rate": results.error_rate if results.requests else None,
            **{f"{name}_ms": value for name, value in self.latencies().items()},
            "failures": results.failures,
        }

    def describe(self) -> str:
        if self.mode == "open":
            return f"open model, {self.rate:g} requests/s"
        return "closed loop"


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


def latency_bounds(config: Config) -> list[tuple[str, float, str]]:
    """The latency bounds that apply: (percentile, bound in ms, where it comes from)."""
    load = config.load
    found = []
    for name, explicit in (
        ("p50", load.max_p50_ms),
        ("p95", load.max_p95_ms),
        ("p99", load.max_p99_ms),
    ):
        bound, source = bound_of(config, name, explicit)
        if bound is not None:
            found.append((name, bound, source))
    return found


def _void(run: Run, reason: str) -> Finding:
    evidence = run.generator.evidence() if run.generator is not None else {}
    return finding(
        INVALID_MEASUREMENT,
        "fail",
        f"{run.describe()}: {reason}; the run did not measure the service",
        mode=run.mode,
        measured={k: v for k, v in run.metrics().items() if v is not None},
        **evidence,
    )


def _errors(config: Config, run: Run) -> list[Finding]:
    results, load = run.results, config.load
    if results.requests == 0:
        return [
            finding(
                THROUGHPUT,
                "fail",
                f"{run.describe()}: no request completed during the measured period",
                duration_s=load.duration,
            )
        ]
    if not results.failures:
        return []
    severity = "fail" if results.error_rate > load.max_error_rate else "warn"
    reasons = dict(sorted(results.failures_by_reason.items(), key=lambda kv: -kv[1])[:5])
    return [
        finding(
            ERROR_RATE,
            severity,
            f"{results.failures:,} of {results.requests:,} requests failed "
            f"({results.error_rate:.1%}, limit {load.max_error_rate:.1%}): "
            + ", ".join(f"{reason} x{count}" for reason, count in reasons.items()),
            failures=results.failures,
            reasons=reasons,
            mode=run.mode,
        )
    ]


def _latency(config: Config, run: Run, others: list[Run]) -> tuple[list[Finding], list[str]]:
    """Latency findings of the run that judges latency, and reasons it cannot judge them;
    ``others``' measurements of the same percentile are shown beside (the closed loop's)."""
    found: list[Finding] = []
    undecidable: list[str] = []
    measured = run.latencies()
    for name, bound, source in latency_bounds(config):
        value = measured[name]
        if value is None or value <= bound:
            continue
        reason = undecided(name, value, bound, run.generator) if run.generator else None
        if reason is not None:
            undecidable.append(reason)
            continue
        beside = "".join(
            f"; the {other.describe()} measured {other.latencies()[name]:g} ms"
            for other in others
            if other.latencies()[name] is not None
        )
        found.append(
            finding(
                LATENCY,
                "fail",
                f"{name} latency is {value:g} ms, above the bound of {bound:g} ms ({source}; "
                f"{run.describe()}){beside}",
                percentile=name,
                value_ms=value,
                bound_ms=bound,
                mode=run.mode,
                users=config.load.users,
            )
        )
    return found, undecidable


def _throughput(config: Config, run: Run) -> tuple[list[Finding], list[str]]:
    required, source = bound_of(config, "rps", config.load.min_rps, upper=False)
    rps = run.results.rps
    if required is None or not run.results.requests or rps >= required:
        return [], []
    median = run.results.percentile(0.5)
    generator = run.generator
    # in a closed loop each user's cycle holds the generator's delay: as long as the median
    # answer, the shortfall may be the generator's
    if (
        run.mode == "closed"
        and generator is not None
        and median is not None
        and generator.delay_ms >= median
    ):
        return [], [
            f"{rps:.1f} requests/s is below the required {required:g}, and the load "
            f"generator's own delay ({generator.delay_ms:g} ms, p99) is as long as the "
            f"median answer ({median:g} ms): the run cannot tell a slow service from a "
            "slow generator" + generator.cause()
        ]
    return [
        finding(
            THROUGHPUT,
            "fail",
            f"{rps:.1f} requests/s, below the required {required:g} ({source}; {run.describe()})",
            rps=rps,
            required=required,
            mode=run.mode,
        )
    ], []


def judge(
    config: Config,
    runs: list[Run],
    *,
    died: bool,
    tail: list[str],
    distribution: dict[str, Any],
) -> Outcome:
    """The check's result over its runs (the first is the primary: its numbers carry the
    SPEC's metric names)."""
    findings: list[Finding] = []
    metrics: dict[str, Any] = {}
    voided = False
    latency_run = next((r for r in runs if r.mode == "open"), runs[0])
    capacity_run = next((r for r in runs if r.mode == "closed"), runs[0])
    tightest = min((bound for _, bound, _ in latency_bounds(config)), default=None)
    if died:
        findings.append(
            finding(
                SERVICE_UNAVAILABLE,
                "fail",
                "the service died during the load test" + last_line(tail),
                log_tail=tail,
                log=".sekit/service.log",
            )
        )
    for index, run in enumerate(runs):
        prefix = "" if index == 0 else f"{run.mode}_"
        reason = invalid(run.generator, tightest)
        judged: list[Finding] = []
        reasons = [reason] if reason is not None else []
        if reason is None:
            judged += _errors(config, run)
            if run is latency_run:
                others = [r for r in runs if r is not run]
                found, undecidable = _latency(config, run, others)
                judged += found
                reasons += undecidable
            if run is capacity_run:
                found, undecidable = _throughput(config, run)
                judged += found
                reasons += undecidable
        if reasons:
            voided = True
            findings += [_void(run, r) for r in reasons]
            metrics[f"{prefix}requests"] = run.results.requests
        else:
            findings += judged
            measured = run.metrics()
            if prefix:
                measured.pop("failures")
            metrics.update({f"{prefix}{k}": v for k, v in measured.items()})
        if index == 0 and run.generator is not None:
            metrics["generator_delay_ms"] = run.generator.delay_ms
            metrics["generator_cpu"] = run.generator.cpu
        kept = History.model_validate(
            {
                "history": run.results.history,
                "users": config.load.users,
                "distribution": distribution,
                "mode": run.mode,
                "rate": run.rate,
                "generator": run.generator.evidence() if run.generator is not None else None,
            }
        )
        findings.append(
            kept.finding(LATENCY, f"{run.describe()}: per-second history (warm-up marked)")
        )
    result = Outcome.from_findings(
        findings=findings,
        summary=_summary(runs, findings),
        metrics=metrics,
    )
    return result.model_copy(update={"status": Status.ERROR}) if voided else result


def _summary(runs: list[Run], findings: list[Finding]) -> str:
    serious = [f for f in findings if f.severity is not Severity.INFO]
    serious.sort(key=lambda f: f.kind != INVALID_MEASUREMENT.name)
    if serious:
        more = f" (+{len(serious) - 1} more)" if len(serious) > 1 else ""
        return serious[0].message + more
    parts = []
    for run in runs:
        results = run.results
        p50, p95, p99 = run.latencies().values()
        if not results.requests or p50 is None:
            parts.append(f"{run.describe()}: no requests measured")
            continue
        parts.append(
            f"{run.describe()}: {results.requests:,} requests, {results.rps:.0f}/s, "
            f"p50 {p50:g} ms, p95 {p95:g} ms, p99 {p99:g} ms, {results.error_rate:.1%} errors"
        )
    return "; ".join(parts)


def last_line(lines: list[str]) -> str:
    """``; last log line: ...`` for a message, or nothing."""
    return f"; last log line: {lines[-1].strip()[:160]}" if lines else ""
