"""What the service served, cut into time windows, and the per-window tests of the monitor checks.

The prediction log holds one JSON object per request (SPEC.md's line: ``timestamp``,
``request_id``, ``model_version``, ``latency_ms``, ``status``, ``prediction`` and the inputs;
the scaffold's service writes ``answer_<label>`` for the prediction and ``answer_fallback``; the
field names are ``[monitor]`` keys for other services). It is read by
:mod:`sekit.subjects.servedlog`, which validates each line: invalid lines are left out and
counted (``invalid_log_lines``, a warning), and when more are invalid than
:func:`sekit.bounds.tolerated` allows, no bound on the log is measured and every check that
reads it ends ``error``. Each window is judged on its own
requests, and every verdict is a one-sided exact binomial test against the bound, so a window
with few requests cannot break a bound by chance:

* a share that must stay low (server errors, errors and fallbacks, answers slower than the
  p95 bound): ``P(X >= k)`` for ``X ~ Binomial(n, bound)``; for the p95 the bound is "at most
  5% of the answers are slower than ``max_p95_ms``", so no latency distribution is assumed;
* a share that must stay high (accuracy on the requests with feedback): ``P(X <= k)``.

A window breaks a bound when its estimate is beyond the bound *and* its Holm-adjusted p-value
(over all windows of that metric) is below ``[monitor].p_value``: in a period that keeps its
bounds, any window of a metric is reported at most that often. The finding names the first
window that broke; the per-window series goes to the report (an info finding) for the charts.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sekit.bounds import measured
from sekit.checks.context import Context
from sekit.checks.findings import invalid_lines as lines_left_out
from sekit.checks.monitor.options import MonitorOptions
from sekit.checks.monitor.settings import Monitor
from sekit.errors import UsageError
from sekit.fs import shown_path
from sekit.results import Finding

if TYPE_CHECKING:
    import pandas as pd

    from sekit.subjects import servedlog


@dataclass
class Point:
    """One window's measurement of one metric."""

    start: str  # ISO time of the window's start (UTC)
    n: int  # requests (or labels, or scrapes) it rests on
    value: float | None
    low: float | None = None  # 95% interval
    high: float | None = None
    p_value: float = 1.0  # one-sided exact test against the bound
    p_adjusted: float = 1.0
    broken: bool = False

    def shown(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "n": self.n,
            "value": _finite(self.value),
            "low": _finite(self.low),
            "high": _finite(self.high),
            "p_adjusted": self.p_adjusted,
            "broken": self.broken,
        }


@dataclass
class Series:
    """One metric over the windows, and the bound it was judged against."""

    metric: str  # e.g. monitor.p95_ms
    bound: float | None
    direction: str  # "max" or "min"
    points: list[Point] = field(default_factory=list)

    def judge(self, level: float) -> list[Point]:
        """Holm over the windows; the windows that broke the bound, in time order."""
        from sekit import stats

        tested = [p for p in self.points if measured(p.value) and p.n > 0]  # never NaN
        for point, adjusted in zip(tested, stats.holm([p.p_value for p in tested]), strict=True):
            point.p_adjusted = adjusted
            value, bound = point.value, self.bound
            assert value is not None
            beyond = bound is not None and (
                value > bound if self.direction == "max" else value < bound
            )
            point.broken = bool(beyond and adjusted < level)
        return [p for p in self.points if p.broken]

    def shown(self) -> dict[str, Any]:
        return {
            "bound": self.bound,
            "direction": self.direction,
            "points": [p.shown() for p in self.points],
        }


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), 6)


def above(k: int, n: int, bound: float) -> float:
    """P(X >= k) for X ~ Binomial(n, bound): the share k/n is credibly above ``bound``."""
    from scipy import stats

    if n == 0 or k == 0:
        return 1.0
    return float(stats.binom.sf(k - 1, n, bound))


def below(k: int, n: int, bound: float) -> float:
    """P(X <= k) for X ~ Binomial(n, bound): the share k/n is credibly below ``bound``."""
    from scipy import stats

    if n == 0:
        return 1.0
    return float(stats.binom.cdf(k, n, bound))


def settings(ctx: Context) -> Monitor:
    return ctx.config.table(Monitor) or Monitor()


def log_path(ctx: Context) -> Path | None:
    """The prediction log: --log, [monitor].log, else [data].production."""
    chosen = ctx.options.of(MonitorOptions).log
    if chosen is not None:
        return chosen
    monitor = settings(ctx)
    if monitor.log is not None:
        return monitor.log
    data = ctx.config.data
    return data.production if data is not None else None


def prometheus_url(ctx: Context) -> str | None:
    return ctx.options.of(MonitorOptions).prometheus or settings(ctx).prometheus


def no_log_reason(ctx: Context) -> str | None:
    """Why the log-based checks cannot run (None: they can)."""
    path = log_path(ctx)
    if path is None:
        return "no prediction log: set [monitor].log or [data].production"
    if not path.exists():
        if ctx.options.of(MonitorOptions).log is not None:
            raise UsageError(f"--log {path}: no such file", hint="name the service's log")
        return f"no requests logged yet ({shown_path(path, ctx.config.root)} does not exist)"
    return None


def served(ctx: Context) -> pd.DataFrame:
    """The log as a frame with a UTC ``_time`` and its ``_window`` start, oldest first (read
    once per run)."""
    return ctx.shared("monitor.served", lambda: _read(ctx))


def fields(monitor: Monitor) -> servedlog.Fields:
    """The log's fields as ``[monitor]`` names them, for the reader to validate."""
    from sekit.subjects import servedlog

    return servedlog.Fields(
        timestamp=monitor.timestamp,
        request_id=monitor.request_id,
        latency=monitor.latency,
        status=monitor.status,
        counts=tuple(monitor.cost.per_1k) if monitor.cost is not None else (),
        marks=("synthetic", monitor.fallback),
        required=(monitor.timestamp,),
    )


def _read(ctx: Context) -> pd.DataFrame:
    import pandas as pd

    from sekit.subjects import servedlog

    path = log_path(ctx)
    assert path is not None
    monitor = settings(ctx)
    kept, problems = servedlog.read_judged(
        path,
        fields(monitor),
        unmeasured="no bound on this log is measured",
        unusable=lambda found: _unusable(found, monitor),
    )
    frame = pd.DataFrame.from_records([line.record for line in kept])
    times = pd.Series([line.time for line in kept], index=frame.index, dtype="datetime64[ns, UTC]")
    frame = frame.assign(_time=times).sort_values("_time", kind="stable")
    frame["_window"] = frame["_time"].dt.floor(f"{int(monitor.window)}s")
    frame.attrs["problems"] = problems
    frame.attrs["source"] = shown_path(path, ctx.config.root)
    return frame.reset_index(drop=True)


def _unusable(problems: servedlog.Problems, monitor: Monitor) -> tuple[str, str | None]:
    """Why no line of the log can be used, naming the key to set where one would help."""
    main = problems.main() or ""
    told = f": {problems.describe()}" if problems.invalid else ""
    if main == f"no {monitor.timestamp}":
        return (
            f"the log has no {monitor.timestamp!r} field: set [monitor].timestamp{told}",
            "monitor.timestamp",
        )
    if main.startswith(f"{monitor.timestamp} "):
        return (
            f"no {monitor.timestamp!r} value is an ISO 8601 time with a time zone{told}",
            "monitor.timestamp",
        )
    if not problems.lines or main in ("not JSON", "not a JSON object"):
        return f"the prediction log holds no JSON object per line{told}", None
    return f"no line of the prediction log can be judged{told}", None


def invalid_lines(frame: pd.DataFrame) -> list[Finding]:
    """A warning when the log had invalid lines (few enough to judge the rest)."""
    return lines_left_out(frame.attrs["source"], frame.attrs.get("problems"))


def prediction_field(ctx: Context, frame: pd.DataFrame) -> str | None:
    """The log's prediction field: ``[monitor].prediction``, else ``prediction`` (SPEC.md's log
    line) when the log has it, else the scaffold's ``answer_<label>``."""
    configured = settings(ctx).prediction
    if configured:
        return configured
    if "prediction" in frame.columns:
        return "prediction"
    label = ctx.config.data.label if ctx.config.data is not None else None
    return f"answer_{label}" if label else None


def iso(moment: Any) -> str:
    return str(moment.isoformat()).replace("+00:00", "Z")


def per_window(frame: pd.DataFrame, measure: Callable[[Any, pd.DataFrame], Point]) -> list[Point]:
    return [measure(start, group) for start, group in frame.groupby("_window", sort=True)]


def first_broken_message(
    series: Series, broken: Sequence[Point], what: str, unit: Callable[[float], str], window: float
) -> str:
    first = broken[0]
    relation = "above" if series.direction == "max" else "below"
    assert series.bound is not None and first.value is not None
    interval = ""
    if first.low is not None and first.high is not None:
        interval = f" [95% {unit(first.low)}, {unit(first.high)}]"
    return (
        f"{what} {relation} {unit(series.bound)} from the window starting {first.start} "
        f"({_duration(window)}): {unit(first.value)}{interval} over {first.n}; "
        f"{len(broken)} of {sum(p.n > 0 for p in series.points)} windows broke the bound "
        f"(exact binomial test, Holm over the windows, p = {first.p_adjusted:.2g})"
    )


def _duration(seconds: float) -> str:
    return f"{span(seconds)} windows"


def span(seconds: float) -> str:
    """A duration as people write it: ``1 d``, ``2 h``, ``15 min``, ``90 s``."""
    for size, name in ((604800, "w"), (86400, "d"), (3600, "h"), (60, "min")):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)} {name}"
    return f"{seconds:g} s"
