"""``data.drift``'s picture: the effect size of every tested feature, per dataset compared with
the training data (:class:`DriftScores`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from sekit.results import Evidence

if TYPE_CHECKING:
    from sekit.report.model import GateResult
    from sekit.report.svg import Figure
    from sekit.results import CheckResult


class DriftScores(Evidence):
    """dataset (test, production) -> feature -> effect (KS statistic, total variation)."""

    kind = "drift"
    name = "drift_scores"

    scores: dict[str, dict[str, float | None]]
    min_effect: float


def figures(result: CheckResult, gates: Mapping[str, GateResult]) -> list[Figure]:
    from sekit.report import svg

    found = DriftScores.read(result)
    if found is None:
        return []
    drawn = []
    for dataset, scores in found.scores.items():
        known = [(feature, v) for feature, v in scores.items() if v is not None]
        ranked = sorted(known, key=lambda kv: -kv[1])[:25]
        drawn.append(
            svg.Figure(
                f"drift_{dataset}",
                f"Effect size against the training data ({dataset}): KS statistic for numbers, "
                "total variation distance for categories; red bars reach the drift limit.",
                svg.bars(ranked, limit=found.min_effect),
            )
        )
    return drawn
