"""What grading produces: per item, per team, per class (the JSON of ``sekit grade``)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ItemStatus = Literal["met", "partial", "missing", "template", "not_assessed"]


class ItemResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    section: str
    status: ItemStatus
    points: float
    max_points: float
    evidence: list[str] = Field(default_factory=list)


class MLTestScore(BaseModel):
    """Breck et al. (2017): 4 sections of 7 tests; 0.5 manual, 1 automated; final = min."""

    model_config = ConfigDict(frozen=True)

    data: float
    model: float
    infra: float
    monitor: float
    final: float
    band: str
    tests: dict[str, dict[str, Any]] = Field(default_factory=dict)


class TeamGrade(BaseModel):
    path: str
    team: str
    score: float | None
    reason: str | None = None
    sections: dict[str, dict[str, float]] = Field(default_factory=dict)
    mlts: MLTestScore | None = None
    items: list[ItemResult] = Field(default_factory=list)
    process: dict[str, Any] = Field(default_factory=dict)
    commit: str | None = None
    notes: list[str] = Field(default_factory=list)
    trend: list[float] = Field(default_factory=list)


class ClassReport(BaseModel):
    rubric_version: str
    graded_at: str
    teams: list[TeamGrade]

    def ranked(self) -> list[TeamGrade]:
        """Graded teams best first, then the ungradable ones."""
        graded = sorted(
            (t for t in self.teams if t.score is not None), key=lambda t: -(t.score or 0.0)
        )
        return graded + [t for t in self.teams if t.score is None]
