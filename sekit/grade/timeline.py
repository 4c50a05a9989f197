"""Grading the past: a repository at an earlier commit (``--history``, the template's zero line).

A past commit's files are written from git's objects into a temporary folder (regular files
only: no symbolic links, no submodules, no path that leaves the folder, nothing checked out by
git, so no filter or hook runs) and graded like a working copy, with the history up to that
commit.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sekit.grade.gitread import Commit, GitHistory
from sekit.grade.model import HistoryPoint, HistoryReport, TeamGrade
from sekit.grade.repository import MAX_BYTES, Repository
from sekit.grade.rubric import Rubric

REGULAR = 0o100000


def export(history: GitHistory, sha: str, target: Path) -> int:
    """Write the files of commit ``sha`` into ``target``; the number written."""
    written = 0
    root = target.resolve()
    for path, (mode, blob) in history.files(sha).items():
        parts = path.split("/")
        if (mode & 0o170000) != REGULAR or any(p in ("", ".", "..", ".git") for p in parts):
            continue
        destination = (root / path).resolve()
        if not destination.is_relative_to(root) or "\x00" in path:
            continue
        data = history.blob(blob)
        if data is None:
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(data[:MAX_BYTES])
        written += 1
    return written


def grade_commit(
    repo: Repository,
    sha: str,
    grade_files: Callable[[Repository], TeamGrade],
) -> TeamGrade:
    """Grade the repository as it was at commit ``sha``."""
    assert repo.history is not None
    with tempfile.TemporaryDirectory(prefix="sekit-past-") as folder:
        export(repo.history, sha, Path(folder))
        past = Repository(Path(folder), head=sha, git_folder=repo.history.folder)
        try:
            return grade_files(past)
        finally:
            past.close()


def pick(commits: list[Commit], *, every: int | None) -> list[Commit]:
    """The commits to grade, oldest first: the last commit of each ISO week, or every N-th
    commit (always including the newest)."""
    ordered = sorted(commits, key=lambda c: c.time)
    if not ordered:
        return []
    if every:
        chosen = ordered[::every]
        if chosen[-1] is not ordered[-1]:
            chosen.append(ordered[-1])
        return chosen
    weeks: dict[str, Commit] = {}
    for commit in ordered:
        weeks[datetime.fromtimestamp(commit.time, UTC).strftime("%G-W%V")] = commit
    return list(weeks.values())


def curve(
    repo: Repository,
    *,
    team: str,
    rubric: Rubric,
    every: int | None,
    grade_files: Callable[[Repository], TeamGrade],
    progress: Callable[[int, int], None] | None = None,
) -> HistoryReport:
    """The grade at each chosen commit of the repository's history."""
    history = repo.history
    if history is None:
        raise ValueError("no git history")
    chosen = pick(history.commits, every=every)
    points = []
    for index, commit in enumerate(chosen):
        graded = grade_commit(repo, commit.sha, grade_files)
        points.append(
            HistoryPoint(
                commit=commit.short,
                date=datetime.fromtimestamp(commit.time, UTC).strftime("%Y-%m-%d"),
                subject=commit.subject[:80],
                score=graded.score,
                mlts_final=graded.mlts.final if graded.mlts else None,
                sections={k: v.get("score", 0.0) for k, v in graded.sections.items()},
            )
        )
        if progress is not None:
            progress(index + 1, len(chosen))
    return HistoryReport(
        path=str(repo.root),
        team=team,
        rubric_version=rubric.version,
        by=f"every {every} commits" if every else "week",
        points=points,
    )
