"""``data.drift``'s picture: the effect size of every tested feature, per dataset compared with
the training data (:class:`DriftScores`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from sekit.checks.data.kinds import DRIFT
from sekit.results import Evidence

if TYPE_CHECKING:
    from sekit.report.model import GateResult
    from sekit.report.svg import Figure
    from sekit.results import CheckResult


class DriftScores(Evidence):
    """dataset (test, production) -> feature -> effect (KS statistic, total variation)."""

    name = "drift_scores"

    scores: dict[str, dict[str, float | None]]
    min_effect: float


def drifted(result: CheckResult) -> set[tuple[str, str]]:
    """(dataset, feature) of every drift the check reported: what its picture draws red."""
    return {
        (str(f.evidence.get("dataset")), str(f.column))
        for f in result.findings
        if f.kind == DRIFT.name and f.severity.value != "info" and f.column is not None
    }


def figures(result: CheckResult, gates: Mapping[str, GateResult]) -> list[Figure]:
    from sekit.report import svg

    found = DriftScores.read(result)
    if found is None:
        return []
    reported = drifted(result)
    drawn = []
    for dataset, scores in found.scores.items():
        known = [(feature, v) for feature, v in scores.items() if v is not None]
        ranked = sorted(known, key=lambda kv: -kv[1])[:25]
        bars = [svg.Bar(f, v, marked=(dataset, f) in reported) for f, v in ranked]
        drawn.append(
            svg.Figure(
                f"drift_{dataset}",
                f"Effect size against the training data ({dataset}): KS statistic for numbers, "
                "total variation distance for categories. Red bars are the features the check "
                "reports as drifted: an effect at least the dashed limit and a difference "
                "too large for chance (Benjamini-Hochberg over every test); a bar past the "
                "limit that stays blue is a difference chance explains.",
                svg.bars(bars, limit=found.min_effect, axis="effect size"),
            )
        )
    return drawn
