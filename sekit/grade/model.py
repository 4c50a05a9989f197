"""What grading produces: per item, per team, per class (the JSON of ``sekit grade``)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

ItemStatus = Literal["met", "partial", "missing", "template", "not_assessed"]


class ItemResult(BaseModel):
    """One rubric item: ``points`` = the item's ``max_points`` times the ``credit`` earned."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    section: str
    status: ItemStatus
    points: float
    max_points: float
    credit: float = 0.0
    evidence: list[str] = Field(default_factory=list)
    # part -> (weight, share found), for combining a team's repositories; not in the JSON
    parts: dict[str, tuple[float, float]] = Field(default_factory=dict, exclude=True)


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
    why: list[str] = Field(default_factory=list)  # why final is what it is, for the table


class TemplateLine(BaseModel):
    """The score of the untouched ``sekit new`` project a team started from: the zero line
    against which the team's own work shows."""

    source: str  # "scaffold commit abc1234" or "regenerated: sekit new <name> (classification)"
    score: float
    mlts_final: float | None = None


class RunStep(BaseModel):
    """One step of ``--run`` (environment, tests, gate) and what the sandbox stopped."""

    name: str
    exit_code: int | None = None
    duration_s: float = 0.0
    outcome: str = ""
    contained: list[str] = Field(default_factory=list)


class RunCoverage(BaseModel):
    """Coverage of the team's code by its tests, measured in the sandbox (``--run``) with
    sekit's coverage configuration; ``share`` None with ``note`` saying why it is unknown."""

    share: float | None = None
    statements: int = 0
    covered: int = 0
    note: str = ""


class RunRecord(BaseModel):
    sandbox: str  # "bubblewrap" or "none (--no-sandbox)"
    limits: dict[str, Any] = Field(default_factory=dict)
    steps: list[RunStep] = Field(default_factory=list)
    coverage: RunCoverage | None = None
    not_run: list[str] = Field(default_factory=list)  # what --run could not run here, and why


class GateSummary(BaseModel):
    """What ``sekit gate`` decided in a run: the verdict and each check's status."""

    verdict: str | None = None
    checks: dict[str, str] = Field(default_factory=dict)

    @classmethod
    def of(cls, report: dict[str, Any] | None) -> GateSummary | None:
        if not isinstance(report, dict):
            return None
        checks = {
            str(c.get("id")): str(c.get("status"))
            for c in report.get("checks", [])
            if isinstance(c, dict)
        }
        verdict = report.get("verdict")
        return cls(verdict=verdict if isinstance(verdict, str) else None, checks=checks)


class RepositoryPart(BaseModel):
    """One repository of a team of several: its own score and the commit graded."""

    path: str
    commit: str | None = None
    score: float | None = None


class Collected(BaseModel):
    """``--collect``: the team's CI report, checked. ``status``: accepted (binding verified,
    the grade agrees, and the re-run agrees when sampled), missing, refused (unreadable, or a
    binding that does not match the repository), stale (bound to an older commit), differs
    (the grade here, or the sampled re-run, disagrees with the report), unverified (the sampled
    re-run could not measure what the report claims: not credited, not called a forgery)."""

    status: Literal["accepted", "missing", "refused", "stale", "differs", "unverified"]
    reasons: list[str] = Field(default_factory=list)
    commit: str | None = None
    reported_score: float | None = None
    rerun: bool = False


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
    template: TemplateLine | None = None
    run: RunRecord | None = None
    repositories: list[RepositoryPart] = Field(default_factory=list)  # a team of several
    gate: GateSummary | None = None  # what `sekit gate` decided in --run (or the team's CI)
    collected: Collected | None = None  # --collect: what became of the team's CI report

    @computed_field  # type: ignore[prop-decorator]
    @property
    def gain(self) -> float | None:
        """Points above the untouched template: what the team's own work earned."""
        if self.score is None or self.template is None:
            return None
        return round(self.score - self.template.score, 1)


class Collection(BaseModel):
    """``--collect``: the re-run sample (fraction, the seed that drew it, who) and the count
    of reports per status."""

    fraction: float
    seed: int
    sampled: list[str] = Field(default_factory=list)
    statuses: dict[str, int] = Field(default_factory=dict)


class ClassReport(BaseModel):
    rubric_version: str
    graded_at: str
    teams: list[TeamGrade]
    collection: Collection | None = None

    def ranked(self) -> list[TeamGrade]:
        """Graded teams best first, then the ungradable ones."""
        graded = sorted(
            (t for t in self.teams if t.score is not None), key=lambda t: -(t.score or 0.0)
        )
        return graded + [t for t in self.teams if t.score is None]


class HistoryPoint(BaseModel):
    """The grade of one past commit (``sekit grade --history``)."""

    commit: str
    date: str
    subject: str
    score: float | None
    mlts_final: float | None = None
    sections: dict[str, float] = Field(default_factory=dict)


class HistoryReport(BaseModel):
    path: str
    team: str
    rubric_version: str
    by: str  # "week" or "every N commits"
    points: list[HistoryPoint]
