"""The report: every check's result, the run's metrics, the gates and the verdict.

:class:`Report` owns the verdict and the exit code. It is what ``.sekit/report.json`` holds
(its JSON Schema is ``report.schema.json`` next to this module).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from sekit import __version__
from sekit.checks.kinds import CHECK_ERROR
from sekit.errors import NOT_RUN
from sekit.results import CheckResult, Status


class ProjectInfo(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    root: str


class GateResult(BaseModel):
    """One ``[gates]`` bound with the value the run produced."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    metric: str
    min: float | None = None
    max: float | None = None
    value: float | None
    passed: bool
    reason: str = ""

    @property
    def bound(self) -> str:
        parts = []
        if self.min is not None:
            parts.append(f">= {self.min:g}")
        if self.max is not None:
            parts.append(f"<= {self.max:g}")
        return " and ".join(parts)


Verdict = Literal["pass", "fail"]


class ReleaseDecision(BaseModel):
    """Whether the new model may replace the deployed one, and why (``sekit.gate``): it
    follows from the release checks and the gates on ``release.*`` metrics."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    decision: Literal["promote", "roll back"]
    reasons: list[str] = Field(default_factory=list)

    @property
    def promote(self) -> bool:
        return self.decision == "promote"


class Report(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sekit_version: str = __version__
    created: str = Field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    project: ProjectInfo
    verdict: Verdict
    checks: list[CheckResult] = Field(default_factory=list)
    metrics: dict[str, float | None] = Field(default_factory=dict)
    gates: list[GateResult] = Field(default_factory=list)
    # Where the inputs came from: data MD5s and their DVC versions, the model's MLflow run,
    # the git commit (sekit.provenance). Information only; it never changes the verdict.
    provenance: dict[str, Any] = Field(default_factory=dict)
    # When release checks ran: promote or roll back, and why (sekit.gate.release_decision).
    release: ReleaseDecision | None = None

    @property
    def input_errors(self) -> list[str]:
        """Messages of checks that could not run because of the user's input (unique)."""
        seen: list[str] = []
        for check in self.checks:
            for finding in check.findings:
                if (
                    finding.kind == CHECK_ERROR.name
                    and finding.evidence.get("cause") == "input"
                    and finding.message not in seen
                ):
                    seen.append(finding.message)
        return seen

    @property
    def exit_code(self) -> int:
        """0 when everything passed, 1 when something blocks, 2 when the input was unusable."""
        if self.input_errors:
            return 2
        return 0 if self.verdict == "pass" else 1

    def blocking(self) -> list[str]:
        """Why the verdict is ``fail``, one line per reason (empty when it passes)."""
        blocked = [c for c in self.checks if c.status.blocks]
        not_run = [c for c in blocked if c.summary.startswith(NOT_RUN) and not c.findings]
        reasons = [
            f"check {c.id} ended {c.status.value}: {c.summary}".rstrip(": ")
            for c in blocked
            if c not in not_run
        ]
        if not_run:
            reasons.append(
                f"{len(not_run)} more checks did not run without that input: "
                + ", ".join(c.id for c in not_run)
            )
        reasons += [f"gate {g.metric}: {g.reason}" for g in self.gates if not g.passed]
        if not any(c.status is not Status.SKIPPED for c in self.checks) and not self.gates:
            reasons.append("nothing was checked")
        return reasons
