"""The experiment's evidence (each arm's mean over users with its interval, the decisions) and
its picture for the HTML report."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from sekit.results import Evidence

if TYPE_CHECKING:
    from sekit.report.model import GateResult
    from sekit.report.svg import Figure
    from sekit.results import CheckResult


class ArmShown(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    users: int
    observations: int
    mean: float | None
    low: float | None
    high: float | None


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    treatment: str
    control: str
    difference: float
    low: float
    high: float
    relative: float | None
    p_value: float
    p_adjusted: float
    test: str
    mde: float
    power: float | None
    users_needed: int | None
    decision: str


class Arms(Evidence):
    """The arms' means with their intervals, and the decisions."""

    name = "arms"

    metric: str
    lower_is_better: bool
    arms: list[ArmShown]
    decisions: list[Decision]


def figures(result: CheckResult, gates: Mapping[str, GateResult]) -> list[Figure]:
    from sekit.report import svg

    kept = Arms.read(result)
    if kept is None:
        return []
    drawn = [a for a in kept.arms if a.mean is not None]
    if not drawn:
        return []
    intervals = [
        (a.low if a.low is not None else a.mean, a.high if a.high is not None else a.mean)
        for a in drawn
    ]
    picture = svg.bars(
        [
            svg.Bar(f"{a.name} ({a.users} users)", a.mean or 0.0, interval=(lo or 0.0, hi or 0.0))
            for a, (lo, hi) in zip(drawn, intervals, strict=True)
        ],
        axis=f"{kept.metric}, mean over users",
    )
    direction = "lower" if kept.lower_is_better else "higher"
    return [
        svg.Figure(
            "experiment_arms",
            f"{kept.metric} per arm: the mean over users with its 95% interval ({direction} "
            "is better).",
            picture,
        )
    ]
