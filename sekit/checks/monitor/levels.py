"""``monitor.levels``: request volume, availability and model updates over long windows.

A course's service levels are promises over a fixed span: CMU's movie service must answer at
least 2,000 requests, keep 70% of them answered over 72 hours, and take two model updates
without downtime. ``[monitor.levels]`` cuts the served log into windows of ``window`` length,
backwards from its last request, and judges every full window on all of its requests:

* **volume**: the requests in the window (answered or not);
* **availability**: the share answered in time: a server error (5xx), a request with no status
  or a status below 200 (the client got no answer), or an answer slower than ``timeout`` (the
  client had given up) is a failure;
* **updates**: model versions first served inside the window.

These are counts of what happened, not estimates: every request of the window is in the log.
The Wilson interval of the availability says how far it could move with the next window's
luck. A window the log does not cover whole is not judged; a bound with no full window is not
measured, and blocks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sekit.checks.context import Context
from sekit.checks.findings import finding, outcome, percent, worst_summary
from sekit.checks.kinds import CHECK_ERROR
from sekit.checks.monitor import served as sv
from sekit.checks.monitor.settings import Levels, Monitor
from sekit.checks.monitor.slo import AVAILABILITY
from sekit.checks.spec import CheckSpec, Kind, Metric
from sekit.results import Finding, Outcome

if TYPE_CHECKING:
    import pandas as pd


def needs_levels(config: Any) -> str | None:
    monitor = config.table(Monitor)
    if monitor is None or monitor.levels is None:
        return "no [monitor.levels] service levels"
    return None


@dataclass(frozen=True)
class Window:
    """One full service-level window of the log."""

    start: str
    end: str
    requests: int
    answered: int
    slow: int  # answered, but after the client's timeout
    updates: list[str]  # model versions first served in it

    @property
    def availability(self) -> float:
        return self.answered / self.requests if self.requests else 0.0


def windows(frame: pd.DataFrame, levels: Levels, monitor: Monitor) -> tuple[list[Window], float]:
    """The full windows, oldest first, and how many seconds the log covers."""
    import pandas as pd

    times = frame["_time"]
    end, first = times.max(), times.min()
    covered = float((end - first).total_seconds())
    length = pd.Timedelta(seconds=levels.window)
    status = (
        pd.to_numeric(frame[monitor.status], errors="coerce")
        if monitor.status in frame.columns
        else pd.Series(float("nan"), index=frame.index)
    )
    answered = (status >= 200) & (status < 500)
    slow = pd.Series(False, index=frame.index)
    if levels.timeout is not None and monitor.latency in frame.columns:
        latency = pd.to_numeric(frame[monitor.latency], errors="coerce")
        slow = answered & (latency > levels.timeout * 1000)
    versions = frame["model_version"] if "model_version" in frame.columns else None
    first_seen: dict[str, Any] = {}
    if versions is not None:
        for version, when in zip(versions, times, strict=True):
            if isinstance(version, str | int) and not isinstance(version, bool):
                first_seen.setdefault(str(version), when)
    found: list[Window] = []
    stop = end
    # (stop - length, stop] is full when the log began by its start (a second's tolerance)
    while stop - length >= first - pd.Timedelta(seconds=1):
        begin = stop - length
        inside = (times > begin) & (times <= stop)
        found.append(
            Window(
                start=sv.iso(begin),
                end=sv.iso(stop),
                requests=int(inside.sum()),
                answered=int((answered & inside & ~slow).sum()),
                slow=int((slow & inside).sum()),
                updates=sorted(v for v, t in first_seen.items() if begin < t <= stop and t > first),
            )
        )
        stop = begin
    return list(reversed(found)), covered


def check_levels(ctx: Context) -> Outcome:
    from sekit import stats

    reason = sv.no_log_reason(ctx)
    if reason is not None:
        return Outcome.skipped(reason=reason)
    monitor = sv.settings(ctx)
    levels = monitor.levels
    assert levels is not None
    frame = sv.served(ctx)
    found, covered = windows(frame, levels, monitor)
    span = sv.span(levels.window)
    source = frame.attrs["source"]
    bounds = {
        "requests": levels.min_requests,
        "availability": levels.min_availability,
        "updates": levels.min_updates,
    }
    if not found:
        wanted = [name for name, bound in bounds.items() if bound is not None]
        message = f"the log ({source}) covers {sv.span(round(covered))} of one {span} window: " + (
            f"{', '.join(wanted)} not measured" if wanted else "nothing to judge"
        )
        unmeasured = [finding(CHECK_ERROR, "fail", message, cause="unmeasured")] if wanted else []
        return outcome(unmeasured, message, {})
    findings: list[Finding] = []
    checks = (
        ("requests", VOLUME, lambda w: w.requests, lambda v: f"{v:,} requests"),
        ("availability", AVAILABILITY, lambda w: w.availability, percent),
        ("updates", MODEL_UPDATES, lambda w: len(w.updates), lambda v: f"{v} model updates"),
    )
    for name, kind, value, shown in checks:
        bound = bounds[name]
        if bound is None:
            continue
        broken = [w for w in found if value(w) < bound]
        if not broken:
            continue
        first = broken[0]
        detail = ""
        if name == "availability":
            low, high = stats.wilson(first.answered, first.requests)
            detail = f" [95% {percent(low)}, {percent(high)}]" + (
                f"; {first.slow} answers slower than the {levels.timeout * 1000:g} ms timeout "
                "counted as failures"
                if levels.timeout is not None and first.slow
                else ""
            )
        findings.append(
            finding(
                kind,
                "fail",
                f"{shown(value(first))}{detail} in the {span} window {first.start} to "
                f"{first.end}, below {shown(bound)}; {len(broken)} of {len(found)} windows "
                "broke the bound",
                window=first.start,
                broken_windows=[w.start for w in broken],
                bound=bound,
            )
        )
    last = found[-1]
    metrics = {
        "window_requests": float(min(w.requests for w in found)),
        "window_availability": min(w.availability for w in found),
        "model_updates": float(min(len(w.updates) for w in found)),
        "timeouts": float(sum(w.slow for w in found)),
    }
    summary = (
        f"{len(found)} full {span} windows ({source}); the last: {last.requests:,} requests, "
        f"{percent(last.availability)} answered in time, {len(last.updates)} model updates"
    )
    kept = finding(
        SERVICE_LEVELS,
        "info",
        f"per {span} window",
        windows=[
            {
                "start": w.start,
                "end": w.end,
                "requests": w.requests,
                "availability": round(w.availability, 6),
                "timeouts": w.slow,
                "updates": w.updates,
            }
            for w in found
        ],
    )
    return outcome([*findings, kept], worst_summary(findings, summary), metrics)


# --- declarations ----------------------------------------------------------------------

VOLUME = Kind(
    "volume",
    "a service-level window served fewer requests than its bound",
    (
        "A service nobody reaches, or one that was down for most of the window, serves few "
        "requests; a course's milestone asks for a volume because a few requests prove nothing "
        "about a service."
    ),
    "Read the window's requests per hour in the report: an outage, a broken consumer.",
    "Fix what kept requests away; keep the service up the whole window.",
    trust="A count of the log's requests in the window, not an estimate.",
)
MODEL_UPDATES = Kind(
    "model_updates",
    "fewer new model versions started serving in a window than its bound",
    (
        "A model that is never updated goes stale; CMU's project asks for updates without "
        "downtime, counted from the versions the service logged."
    ),
    "List the model_version values of the log with their first time.",
    "Retrain and deploy (sekit retrain) within the window.",
    trust="The versions the log names with their first request: a fact of the log.",
)
SERVICE_LEVELS = Kind(
    "service_levels",
    "requests, availability and model updates of each service-level window (info)",
    "The numbers behind monitor.levels' verdict, for the report.",
    "Read them window by window.",
    "Nothing: it informs.",
)
WINDOW_REQUESTS = Metric(
    "monitor.window_requests",
    "requests in the quietest full service-level window",
    "Every request of the window, answered or not.",
    "Low: the service was down or unreachable for part of the window.",
    "See volume.",
    gate="min = 2000",
)
WINDOW_AVAILABILITY = Metric(
    "monitor.window_availability",
    "share of requests answered in time, in the worst full service-level window",
    "A server error, no answer, or an answer after [monitor.levels].timeout is a failure.",
    "Below the bound: read that window's failures in the log.",
    "See availability.",
    gate="min = 0.7",
)
UPDATES_METRIC = Metric(
    "monitor.model_updates",
    "new model versions started in the full service-level window with the fewest",
    "Counted from the log's model_version: each version's first request.",
    "0: the same model served the whole window.",
    "See model_updates.",
    gate="min = 2",
)

LEVELS_CHECK = CheckSpec(
    id="monitor.levels",
    title="request volume, availability (timeouts counted) and model updates per long window",
    func=check_levels,
    emits="`volume`, `availability`, `model_updates` (a full window below its bound), fail; "
    "error when the log covers no full window of a bound",
    kinds=(VOLUME, MODEL_UPDATES, SERVICE_LEVELS, AVAILABILITY),
    metrics=(WINDOW_REQUESTS, WINDOW_AVAILABILITY, UPDATES_METRIC),
    requires=needs_levels,
    settings=("[monitor.levels]", "[monitor].status", "[monitor].latency"),
    section=("[monitor.levels]", Levels),
)
