"""``monitor.slo``: availability, p95 latency and error rate of the service per time window.

From the prediction log (one line per request, with its HTTP ``status``, ``latency_ms`` and
fallback mark) or, when ``[monitor].prometheus`` / ``--prometheus`` names a Prometheus server,
from the service's metrics there (:mod:`sekit.checks.monitor.prometheus`). Per window:

* availability: the share of requests answered without a server error (5xx); from
  Prometheus, the share of scrapes that found the service up (``up``), which also sees the
  minutes when it was down and nothing reached its log;
* p95 latency of the answered requests, with its order-statistic interval; the window breaks
  the bound when credibly more than 5% of its answers are slower than it;
* error rate: the share of requests that failed or were answered by the fallback.

Each is judged per window with the exact tests of :mod:`sekit.checks.monitor.served` (Holm
over the windows); the finding names the first window that broke the bound.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sekit.checks.context import Context
from sekit.checks.findings import finding, percent, result, worst_summary
from sekit.checks.monitor import served as sv
from sekit.checks.monitor.figures import SloWindows, figures_of
from sekit.checks.monitor.served import Point, Series
from sekit.checks.monitor.settings import Monitor
from sekit.checks.spec import CheckSpec, Kind, Metric, MltsClaim
from sekit.results import CheckResult, Finding

if TYPE_CHECKING:
    import pandas as pd


def bounds(ctx: Context) -> dict[str, float | None]:
    """The SLO bounds, [monitor] first, then the load test's."""
    monitor = sv.settings(ctx)
    config = ctx.config
    p95 = monitor.max_p95_ms or config.load.max_p95_ms
    gate = config.gates.get("load.p95_ms")
    if p95 is None and gate is not None:
        p95 = gate.max
    errors = monitor.max_error_rate
    return {
        "availability": monitor.min_availability,
        "p95_ms": p95,
        "error_rate": config.load.max_error_rate if errors is None else errors,
    }


def check_slo(ctx: Context) -> CheckResult:
    url = sv.prometheus_url(ctx)
    if url is not None:
        from sekit.checks.monitor.prometheus import slo_series

        series, totals, source = slo_series(ctx, url, bounds(ctx))
    else:
        reason = sv.no_log_reason(ctx)
        if reason is not None:
            return CheckResult.skipped(id="monitor.slo", suite="monitor", reason=reason)
        frame = sv.served(ctx)
        series, totals = log_series(frame, sv.settings(ctx), bounds(ctx))
        source = frame.attrs["source"]
    return verdict("monitor.slo", series, totals, ctx, source)


def log_series(
    frame: pd.DataFrame, monitor: Monitor, limits: dict[str, float | None]
) -> tuple[dict[str, Series], dict[str, float]]:
    import numpy as np

    from sekit import stats

    has_status = monitor.status in frame.columns
    has_latency = monitor.latency in frame.columns
    status = (
        frame[monitor.status].apply(_number).fillna(0)
        if has_status
        else frame["_time"].map(lambda _: 200.0)
    )
    failed = status >= 500
    fallback = (
        frame[monitor.fallback].eq(True) & ~failed
        if monitor.fallback in frame.columns
        else failed & False
    )
    latency = frame[monitor.latency].apply(_number) if has_latency else None
    availability = Series("monitor.availability", limits["availability"], "min")
    p95 = Series("monitor.p95_ms", limits["p95_ms"], "max")
    errors = Series("monitor.error_rate", limits["error_rate"], "max")
    for start, rows in frame.groupby("_window", sort=True):
        when = sv.iso(start)
        n = len(rows)
        down = int(failed[rows.index].sum())
        if has_status:
            low, high = stats.wilson(n - down, n)
            limit = availability.bound or 1.0
            availability.points.append(
                Point(when, n, (n - down) / n, low, high, sv.above(down, n, 1 - limit))
            )
        degraded = down + int(fallback[rows.index].sum())
        low, high = stats.wilson(degraded, n)
        limit = errors.bound if errors.bound is not None else 1.0
        errors.points.append(Point(when, n, degraded / n, low, high, sv.above(degraded, n, limit)))
        if latency is not None:
            answered = latency[rows.index][~failed[rows.index]].dropna().to_numpy(dtype="float64")
            if len(answered):
                value = float(np.percentile(answered, 95))
                low, high = stats.quantile_interval(answered, 0.95)
                slow = int((answered > p95.bound).sum()) if p95.bound is not None else 0
                p95.points.append(
                    Point(
                        when, len(answered), value, low, high, sv.above(slow, len(answered), 0.05)
                    )
                )
    totals: dict[str, float] = {"requests": float(len(frame))}
    if has_status:
        totals["availability"] = 1 - float(failed.mean())
    totals["error_rate"] = float((failed | fallback).mean())
    if latency is not None and latency[~failed].notna().any():
        totals["p95_ms"] = float(np.percentile(latency[~failed].dropna(), 95))
    found = {s.metric: s for s in (availability, p95, errors) if s.points}
    return found, totals


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


WHAT = {
    "monitor.availability": ("availability", "availability", percent),
    "monitor.p95_ms": ("latency", "p95 latency", lambda v: f"{v:.0f} ms"),
    "monitor.error_rate": ("error_rate", "error and fallback rate", percent),
}


def verdict(
    check_id: str,
    series: dict[str, Series],
    totals: dict[str, float],
    ctx: Context,
    source: str,
) -> CheckResult:
    monitor = sv.settings(ctx)
    findings: list[Finding] = []
    for metric, line in series.items():
        broken = line.judge(monitor.p_value)
        kind, what, unit = WHAT[metric]
        if broken:
            findings.append(
                finding(
                    kind,
                    "fail",
                    sv.first_broken_message(line, broken, what, unit, monitor.window),
                    metric=metric,
                    first_window=broken[0].start,
                    broken_windows=[p.start for p in broken],
                    bound=line.bound,
                )
            )
    unjudged = [WHAT[m][1] for m, s in series.items() if s.bound is None]
    missing = [WHAT[m][1] for m in WHAT if m not in series]
    summary = worst_summary(
        findings,
        f"{int(totals.get('requests', 0))} requests in "
        f"{max((len(s.points) for s in series.values()), default=0)} windows ({source}): "
        + ", ".join(_total(m, totals) for m in WHAT if m.split(".")[1] in totals)
        + " within the bounds",
    )
    if missing:
        summary += f"; not measured: {', '.join(missing)}"
    kept = SloWindows.model_validate(
        {
            "series": {m: s.shown() for m, s in series.items()},
            "window_s": monitor.window,
            "source": source,
        }
    )
    findings.append(
        kept.finding(
            f"per {sv.span(monitor.window)} window ({source})"
            + (f"; no bound for {', '.join(unjudged)}" if unjudged else "")
        )
    )
    metrics = dict(totals)
    metrics["windows_broken"] = float(
        len({p.start for s in series.values() for p in s.points if p.broken})
    )
    return result(check_id, findings, summary, metrics)


def _total(metric: str, totals: dict[str, float]) -> str:
    key = metric.split(".")[1]
    _, what, unit = WHAT[metric]
    return f"{what} {unit(totals[key])}"


# --- declarations ----------------------------------------------------------------------

AVAILABILITY = Kind(
    "availability",
    "the service failed to answer more often than its availability bound allows",
    (
        "Users see an outage, whatever the model's accuracy. An availability SLO (e.g. 99% of "
        "requests answered) is the first promise a service makes, and production is where it "
        "is kept or broken, not the load test."
    ),
    (
        "Open the window the finding names in the service's log and in Prometheus (`up`, the "
        "5xx counter): a crash, a restart loop, a model that failed to load, a full disk."
    ),
    (
        "Fix the cause; add an alert on it (the scaffold's ServiceDown and HighErrorRate "
        "rules) so the next outage pages someone before the weekly check."
    ),
    trust=(
        "Per window, a one-sided exact binomial test against 1 - [monitor].min_availability, "
        "Holm over the windows: a week within the bound is reported at most [monitor].p_value "
        "of the time; a window with a handful of requests cannot break it alone."
    ),
)
AVAILABILITY_METRIC = Metric(
    "monitor.availability",
    "share of requests answered without a server error (Prometheus: share of scrapes up)",
    "The prediction log's status per request, or Prometheus's `up` series, over the period.",
    "Below the bound, users met errors or an unreachable service.",
    "Read the windows that broke the bound in the report.",
    gate="min = 0.99",
)
P95_METRIC = Metric(
    "monitor.p95_ms",
    "95th percentile latency of the answered requests over the period, in ms",
    "The log's latency_ms per request, or Prometheus's request duration histogram.",
    "Above the bound, one user in twenty waited longer than the SLO allows.",
    "Read the windows that broke the bound; compare with `sekit check load`.",
    gate="max = 200",
)
ERROR_METRIC = Metric(
    "monitor.error_rate",
    "share of requests that failed (5xx) or were answered by the fallback",
    "The log's status and fallback mark, or Prometheus's request and fallback counters.",
    "A fallback answer is safe but not a prediction: a high share means the model is not "
    "really serving.",
    "Read the service log for the fallback warnings of the windows that broke the bound.",
    gate="max = 0.01",
)

SPECS = (
    CheckSpec(
        id="monitor.slo",
        title="availability, p95 latency and error rate of the served requests per time window",
        func=check_slo,
        emits="`availability`, `latency`, `error_rate` (a window credibly beyond its bound), "
        "all fail",
        kinds=(AVAILABILITY, "latency", "error_rate"),
        metrics=(AVAILABILITY_METRIC, P95_METRIC, ERROR_METRIC),
        settings=("[monitor]", "[load].max_p95_ms", "[load].max_error_rate"),
        section=("[monitor]", Monitor),
        mlts=(
            MltsClaim(
                "monitor-6",
                "'the model has not experienced a dramatic or slow-leak regression in training "
                "speed, serving latency, throughput, or RAM usage' (latency and errors per "
                "window of real traffic)",
            ),
        ),
        order=10,
        figures=figures_of(SloWindows),
    ),
)
