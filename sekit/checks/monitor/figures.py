"""The monitor checks' pictures: each metric per time window with its 95% interval, the
bound, and red bands over the windows that broke it (:class:`Windows`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from sekit.results import Evidence

if TYPE_CHECKING:
    from sekit.checks.spec import Figures
    from sekit.report.model import GateResult
    from sekit.report.svg import Figure
    from sekit.results import CheckResult


class Window(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: str  # ISO time of the window's start
    n: int
    value: float | None
    low: float | None
    high: float | None
    p_adjusted: float
    broken: bool


class Line(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bound: float | None
    direction: str
    points: list[Window]


class Windows(Evidence):
    """Metric name -> its windows; the windows' length in seconds."""

    name = "windows"

    series: dict[str, Line]
    window_s: float


class SloWindows(Windows):
    source: str  # the log, or a Prometheus server


class AccuracyWindows(Windows):
    labelled: int


class DriftWindows(Windows):
    """Drifted share of the features per window."""


def figures_of(kept_as: type[Windows]) -> Figures:
    """The pictures of a monitor check that keeps its windows as ``kept_as``."""

    def figures(result: CheckResult, gates: Mapping[str, GateResult]) -> list[Figure]:
        kept = kept_as.read(result)
        return [] if kept is None else _drawn(kept)

    return figures


def _drawn(kept: Windows) -> list[Figure]:
    from datetime import datetime

    from sekit.report import svg

    unit, scale = ("hours", 3600.0) if kept.window_s >= 600 else ("seconds", 1.0)
    drawn = []
    for metric, line in kept.series.items():
        if not line.points:
            continue
        times = [datetime.fromisoformat(p.start.replace("Z", "+00:00")) for p in line.points]
        x = [(t - times[0]).total_seconds() / scale for t in times]
        series: dict[str, Sequence[tuple[float, float | None]]] = {
            "value": list(zip(x, [p.value for p in line.points], strict=True))
        }
        if any(p.low is not None for p in line.points):
            series["95% low"] = list(zip(x, [p.low for p in line.points], strict=True))
            series["95% high"] = list(zip(x, [p.high for p in line.points], strict=True))
        picture = svg.lines(
            series,
            x_label=f"{unit} since {line.points[0].start}",
            y_label=metric.split(".", 1)[1],
            limit=line.bound,
            marks=[
                (x0, x0 + kept.window_s / scale)
                for x0, p in zip(x, line.points, strict=True)
                if p.broken
            ],
        )
        drawn.append(
            svg.Figure(
                f"over_time_{metric}",
                f"{metric} per time window of the served requests, with its 95% interval; the "
                "dashed line is the bound, red bands are the windows that broke it (exact "
                "test, Holm over the windows).",
                picture,
            )
        )
    return drawn
