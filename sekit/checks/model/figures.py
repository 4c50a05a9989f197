"""The model checks' pictures: the confusion matrix (``model.quality``), the metric per slice
(``model.slices``) and per group with intervals (``model.fairness``), each from the typed
evidence its check keeps."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from pydantic import BaseModel

from sekit.checks.model.kinds import UNFAIR_OUTCOME, WEAK_SLICE
from sekit.results import Evidence

if TYPE_CHECKING:
    from sekit.report.model import GateResult
    from sekit.report.svg import Figure
    from sekit.results import CheckResult


class Confusion(Evidence):
    """The confusion matrix on the test set (rows: true class)."""

    name = "confusion"

    labels: list[str]
    matrix: list[list[int]]


class Slice(BaseModel):
    slice: str
    value: float
    rows: int
    interval: list[float | None]


class Slices(Evidence):
    """The metric per slice, worst first, and overall."""

    name = "slices"

    overall: float
    slices: list[Slice]


class Group(BaseModel):
    column: str
    group: str
    metric: str
    value: float | None
    interval: list[float | None]
    n: int


class Groups(Evidence):
    """Each rate (or the MAE) per group of each sensitive column, with its 95% interval."""

    name = "groups"

    groups: list[Group]


def quality_figures(result: CheckResult, gates: Mapping[str, GateResult]) -> list[Figure]:
    from sekit.report import svg

    found = Confusion.read(result)
    if found is None:
        return []
    caption = "Confusion matrix on the test set (rows: true class)."
    return [svg.Figure("confusion", caption, svg.heatmap(found.labels, found.matrix))]


def slice_figures(result: CheckResult, gates: Mapping[str, GateResult]) -> list[Figure]:
    from sekit.report import svg

    found = Slices.read(result)
    if found is None:
        return []
    weak = {
        str(f.evidence.get("slice"))
        for f in result.findings
        if f.kind == WEAK_SLICE.name and f.severity.value != "info"
    }
    bars = svg.bars(
        [
            svg.Bar(s.slice, s.value, marked=s.slice in weak, interval=_interval(s.interval))
            for s in found.slices[:20]
        ],
        reference=("overall", found.overall),
        axis=_metric_of(result),
    )
    caption = (
        "The metric per slice, worst first, with its interval; the grey line is the overall "
        "value. Red bars are the slices the check reports as weak."
    )
    return [svg.Figure("slices", caption, bars)]


def _interval(interval: list[float | None]) -> tuple[float, float] | None:
    low, high = [*interval, None, None][:2]
    return None if low is None or high is None else (low, high)


def _metric_of(result: CheckResult) -> str:
    named = [name for name in result.metrics if name != "weak_slices"]
    return named[0] if named else "metric"


def _unfair(result: CheckResult) -> set[tuple[str, str, str]]:
    """(column, group, metric) of every gap the check reported: what its picture draws red."""
    return {
        (str(f.column), str(f.evidence.get("group")), str(f.evidence.get("metric")))
        for f in result.findings
        if f.kind == UNFAIR_OUTCOME.name and f.severity.value != "info"
    }


def group_figures(result: CheckResult, gates: Mapping[str, GateResult]) -> list[Figure]:
    """One picture per sensitive column (``model.fairness``; ``monitor.accuracy`` on the
    feedback too)."""
    from sekit.report import svg

    found = Groups.read(result)
    if found is None:
        return []
    unfair = _unfair(result)
    drawn = []
    for column in dict.fromkeys(row.column for row in found.groups):
        rows = [r for r in found.groups if r.column == column and r.value is not None]
        bars = svg.bars(
            [
                svg.Bar(
                    f"{r.metric} · {r.group}",
                    r.value or 0.0,
                    marked=(column, r.group, r.metric) in unfair,
                    interval=_interval(r.interval),
                )
                for r in rows
            ],
            axis="rate (MAE for regression)",
        )
        drawn.append(
            svg.Figure(
                f"fairness_{column}",
                f"Fairness per group of {column}: each metric per group, with its 95% "
                "interval (Wilson; t for the MAE). Red bars are the groups the check reports "
                "as served worse than the other rows.",
                bars,
            )
        )
    return drawn
