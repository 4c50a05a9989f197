"""What the service served, cut into time windows, and the per-window tests of the monitor checks.

The prediction log holds one JSON object per request (SPEC.md's line: ``timestamp``,
``request_id``, ``model_version``, ``latency_ms``, ``status``, ``prediction`` and the inputs;
the scaffold's service writes ``answer_<label>`` for the prediction and ``answer_fallback``; the
field names are ``[monitor]`` keys for other services). Each window is judged on its own
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

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sekit.checks.context import Context
from sekit.checks.monitor.options import MonitorOptions
from sekit.checks.monitor.settings import Monitor
from sekit.errors import InputError, UsageError

if TYPE_CHECKING:
    import pandas as pd


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

        tested = [p for p in self.points if p.value is not None and p.n > 0]
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
        return f"no requests logged yet ({_shown(path, ctx.config.root)} does not exist)"
    return None


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def served(ctx: Context) -> pd.DataFrame:
    """The log as a frame with a UTC ``_time`` and its ``_window`` start, oldest first (read
    once per run)."""
    return ctx.shared("monitor.served", lambda: _read(ctx))


def json_lines(path: Path) -> tuple[list[dict[str, Any]], int]:
    """The log's JSON objects, one per line, and how many lines were not one (a line cut
    short by a crash is counted, not fatal). The experiment suite reads logs with it too."""
    records: list[dict[str, Any]] = []
    bad = 0
    try:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    bad += 1
                    continue
                if isinstance(record, dict):
                    records.append(record)
                else:
                    bad += 1
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read the prediction log: {exc}") from None
    return records, bad


def _read(ctx: Context) -> pd.DataFrame:
    import pandas as pd

    path = log_path(ctx)
    assert path is not None
    monitor = settings(ctx)
    records, bad = json_lines(path)
    if not records:
        raise InputError(path, "the prediction log holds no JSON object per line")
    frame = pd.DataFrame.from_records(records)
    if monitor.timestamp not in frame.columns:
        raise InputError(
            path,
            f"the log has no {monitor.timestamp!r} field: set [monitor].timestamp",
            key="monitor.timestamp",
        )
    times = pd.to_datetime(frame[monitor.timestamp], utc=True, errors="coerce", format="ISO8601")
    if times.isna().all():
        raise InputError(
            path, f"no {monitor.timestamp!r} value is an ISO 8601 time", key="monitor.timestamp"
        )
    frame = frame.assign(_time=times).dropna(subset=["_time"]).sort_values("_time")
    frame["_window"] = frame["_time"].dt.floor(f"{int(monitor.window)}s")
    frame.attrs["unreadable"] = bad + int(times.isna().sum())
    frame.attrs["source"] = _shown(path, ctx.config.root)
    return frame.reset_index(drop=True)


def as_labels(values: pd.Series) -> pd.Series:
    """Class labels as text, so that 1, 1.0 and "1" (JSON, CSV and SQLite spell them
    differently) are one class; missing stays missing."""

    def label(value: Any) -> str | None:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    return values.map(label)


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
