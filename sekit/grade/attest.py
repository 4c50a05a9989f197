"""``sekit grade . --attest FILE``: a team's CI grades its own repository and writes the
grade bound to the commit it judged (:mod:`sekit.grade.binding`), with what ``sekit gate``
decided in the same job (``.sekit/report.json``). The instructor's ``sekit grade --collect``
checks it (:mod:`sekit.grade.collect`).

The CI is the team's: nothing here proves the report honest. The binding makes it checkable:
the read-only part of the grade is recomputed by the instructor for every team in seconds, and
what needed running (the gate, the tests) is re-run for a random sample.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from sekit.errors import UsageError
from sekit.grade.binding import Binding, bind, dirty
from sekit.grade.model import GateSummary, TeamGrade
from sekit.grade.repository import Repository
from sekit.grade.rubric import Rubric

KIND = "sekit-attestation"
GATE_REPORT = Path(".sekit/report.json")
DEFAULT = Path(".sekit/attestation.json")


class Attestation(BaseModel):
    """A team's CI report: the grade, the gate's decision, and what binds them to a commit."""

    kind: str = KIND
    version: int = 1
    rubric_version: str
    binding: Binding
    gate: GateSummary | None = None
    grade: TeamGrade


def _gate_report(root: Path) -> dict[str, Any] | None:
    try:
        report = json.loads((root / GATE_REPORT).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    return report if isinstance(report, dict) else None


def attest(root: Path, rubric: Rubric) -> Attestation:
    """Grade the clean checkout at ``root`` and bind the grade to its head commit.

    A UsageError (exit 2) when the folder is not a git repository, or when a tracked file
    differs from the commit (the grade would judge files the commit does not hold).
    """
    from sekit.grade import grade_files
    from sekit.grade.timeline import grade_commit

    repo = Repository(root)
    try:
        history = repo.history
        if history is None or history.head is None:
            raise UsageError(f"{root}: --attest needs a git repository with a commit")
        changed = dirty(root, history, history.head)
        if changed:
            raise UsageError(
                f"{root}: {len(changed)} tracked files differ from commit {history.head[:12]} "
                f"({', '.join(changed[:3])}): the report would judge what no commit holds",
                hint="commit them, or attest a clean checkout",
            )
        gate = _gate_report(root)
        team = root.resolve().name
        graded = grade_commit(  # the commit's files: what the CI made beside them does not count
            repo, history.head, lambda past: grade_files(past, rubric, team=team, gate_report=gate)
        )
        graded.path = str(root)
        graded.gate = GateSummary.of(gate)
        return Attestation(
            rubric_version=rubric.version,
            binding=bind(root, history),
            gate=graded.gate,
            grade=graded,
        )
    finally:
        repo.close()
