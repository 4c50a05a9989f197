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

from typing import TYPE_CHECKING

from sekit.bounds import measured_on
from sekit.checks.context import Context
from sekit.checks.findings import finding, outcome, percent, worst_summary
from sekit.checks.kinds import INVALID_LOG_LINES
from sekit.checks.load.kinds import ERROR_RATE, LATENCY
from sekit.checks.monitor import served as sv
from sekit.checks.monitor.figures import SloWindows, figures_of
from sekit.checks.monitor.served import Point, Series
from sekit.checks.monitor.settings import Monitor
from sekit.checks.spec import CheckSpec, Kind, Metric, MltsClaim
from sekit.results import Finding, Outcome, not_measured

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


def check_slo(ctx: Context) -> Outcome:
    url = sv.prometheus_url(ctx)
    unknown: dict[str, str] = {}
    warned: list[Finding] = []
    if url is not None:
        from sekit.checks.monitor.prometheus import slo_series

        series, totals, source = slo_series(ctx, url, bounds(ctx))
    else:
        reason = sv.no_log_reason(ctx)
        if reason is not None:
            return Outcome.skipped(reason=reason)
        frame = sv.served(ctx)
        series, totals, unknown = log_series(frame, sv.settings(ctx), bounds(ctx))
        source = frame.attrs["source"]
        warned = sv.invalid_lines(frame)
    return verdict(series, totals, ctx, source, unknown, warned)


def log_series(
    frame: pd.DataFrame, monitor: Monitor, limits: dict[str, float | None]
) -> tuple[dict[str, Series], dict[str, float], dict[str, str]]:
    """Each SLO metric per window, the totals over the log, and why a metric was not
    measured (metric -> reason): its input is unknown on more lines than
    :func:`sekit.bounds.tolerated` allows. A line without a status is no answer; a line of
    unknown latency is left out of the p95 (within the tolerance only)."""
    import numpy as np
    import pandas as pd

    from sekit import stats

    nothing = pd.Series(np.nan, index=frame.index, dtype="float64")
    status = (
        pd.to_numeric(frame[monitor.status], errors="coerce")
        if monitor.status in frame
        else nothing
    )
    latency = (
        pd.to_numeric(frame[monitor.latency], errors="coerce")
        if monitor.latency in frame
        else nothing
    )
    known = status.notna()
    failed = known & status.ge(500)
    fallback = (
        frame[monitor.fallback].eq(True) & known & ~failed
        if monitor.fallback in frame.columns
        else failed & False
    )
    timed = latency.notna() & ~failed  # answered (or of unknown status) with a latency
    unknown: dict[str, str] = {}
    n = len(frame)
    if not measured_on(int(known.sum()), n):
        why = (
            f"{n - int(known.sum())} of {n} lines have no {monitor.status!r} (the HTTP status): "
            "a line without one is no answer; set [monitor].status to the log's status field"
        )
        unknown |= {"availability": why, "error_rate": why}
    wanting = int((~failed).sum())
    if wanting and not measured_on(int(timed.sum()), wanting):
        unknown["p95_ms"] = (
            f"{wanting - int(timed.sum())} of {wanting} answered lines have no "
            f"{monitor.latency!r}: set [monitor].latency to the log's latency field (ms)"
        )
    availability = Series("monitor.availability", limits["availability"], "min")
    p95 = Series("monitor.p95_ms", limits["p95_ms"], "max")
    errors = Series("monitor.error_rate", limits["error_rate"], "max")
    for start, rows in frame.groupby("_window", sort=True):
        when = sv.iso(start)
        seen = rows.index[known[rows.index]]
        n_seen = len(seen)
        down = int(failed[seen].sum())
        if n_seen and "availability" not in unknown:
            low, high = stats.wilson(n_seen - down, n_seen)
            limit = availability.bound or 1.0
            availability.points.append(
                Point(
                    when,
                    n_seen,
                    (n_seen - down) / n_seen,
                    low,
                    high,
                    sv.above(down, n_seen, 1 - limit),
                )
            )
        if n_seen and "error_rate" not in unknown:
            degraded = down + int(fallback[seen].sum())
            low, high = stats.wilson(degraded, n_seen)
            limit = errors.bound if errors.bound is not None else 1.0
            errors.points.append(
                Point(when, n_seen, degraded / n_seen, low, high, sv.above(degraded, n_seen, limit))
            )
        answered = latency[rows.index][timed[rows.index]].to_numpy(dtype="float64")
        if len(answered) and "p95_ms" not in unknown:
            value = float(np.percentile(answered, 95))
            low, high = stats.quantile_interval(answered, 0.95)
            slow = int((answered > p95.bound).sum()) if p95.bound is not None else 0
            p95.points.append(
                Point(when, len(answered), value, low, high, sv.above(slow, len(answered), 0.05))
            )
    totals: dict[str, float] = {"requests": float(n)}
    if "availability" not in unknown and known.any():
        totals["availability"] = 1 - float(failed[known].mean())
        totals["error_rate"] = float((failed | fallback)[known].mean())
    if "p95_ms" not in unknown and timed.any():
        totals["p95_ms"] = float(np.percentile(latency[timed], 95))
    found = {s.metric: s for s in (availability, p95, errors) if s.points}
    return found, totals, unknown


KEYS = {
    "monitor.availability": "[monitor].min_availability",
    "monitor.p95_ms": "the p95 bound",
    "monitor.error_rate": "the error-rate bound",
}


def verdict(
    series: dict[str, Series],
    totals: dict[str, float],
    ctx: Context,
    source: str,
    unknown: dict[str, str] | None = None,
    warned: list[Finding] | None = None,
) -> Outcome:
    """Judge each series against its bound. A bound whose metric was not measured (``unknown``
    says why, or the source had no value for it) makes the result ``error``."""
    monitor = sv.settings(ctx)
    limits = bounds(ctx)
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
    bounded = {
        metric.split(".")[1]: f"{KEYS[metric]} = {limits[metric.split('.')[1]]:g}"
        for metric in WHAT
        if limits[metric.split(".")[1]] is not None
    }
    told: set[str] = set()
    for key, why in (unknown or {}).items():
        if key in bounded and why not in told:
            told.add(why)
            findings.append(not_measured(f"{source}: {why}", metric=key))
    findings += warned or []
    unjudged = [WHAT[m][1] for m, s in series.items() if s.bound is None]
    missing = [WHAT[m][1] for m in WHAT if m.split(".")[1] not in totals]
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
            AVAILABILITY,
            f"per {sv.span(monitor.window)} window ({source})"
            + (f"; no bound for {', '.join(unjudged)}" if unjudged else ""),
        )
    )
    metrics = dict(totals)
    metrics["windows_broken"] = float(
        len({p.start for s in series.values() for p in s.points if p.broken})
    )
    return outcome(findings, summary, metrics, bounded=bounded)


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

WHAT = {
    "monitor.availability": (AVAILABILITY, "availability", percent),
    "monitor.p95_ms": (LATENCY, "p95 latency", lambda v: f"{v:.0f} ms"),
    "monitor.error_rate": (ERROR_RATE, "error and fallback rate", percent),
}


SLO_CHECK = CheckSpec(
    id="monitor.slo",
    title="availability, p95 latency and error rate of the served requests per time window",
    func=check_slo,
    emits="`availability`, `latency`, `error_rate` (a window credibly beyond its bound), "
    "all fail; `invalid_log_lines` (warn); error when a bound is not measured (its field "
    "unknown on more than one line in a thousand)",
    kinds=(AVAILABILITY, LATENCY, ERROR_RATE, INVALID_LOG_LINES),
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
    figures=figures_of(SloWindows),
)
