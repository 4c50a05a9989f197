"""``sekit grade``: readiness reports for team repositories, and a ranked class overview.

:func:`grade` grades each repository against a rubric (the built-in one or an instructor's),
computes the ML Test Score and the team's process from git, and records the run in a history
store. Without ``run`` it only reads files and runs read-only tools (git, ruff); one team's
failure (an unreadable repository, a time limit) gives that team an entry with ``score: None``
and the reason, never stops the class.
"""

from __future__ import annotations

import concurrent.futures
import tomllib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from sekit.errors import UsageError
from sekit.grade.detectors import DETECTORS, custom
from sekit.grade.history import previous_scores, record
from sekit.grade.mlts import committed_junit, junit_results, score
from sekit.grade.model import ClassReport, ItemResult, TeamGrade
from sekit.grade.process import process
from sekit.grade.repository import Repository
from sekit.grade.rubric import Rubric, builtin

CREDIT = {"met": 1.0, "partial": 0.5}


def repositories(paths: Sequence[Path], *, each: bool) -> list[Path]:
    """The repositories to grade: the paths, or with ``each`` the folders inside them."""
    found: list[Path] = []
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such folder")
        if not path.is_dir():
            raise UsageError(f"{path}: not a folder")
        if each:
            found += sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
        else:
            found.append(path)
    if not found:
        raise UsageError(
            "no repositories to grade", hint="with --each, DIR must hold one folder per team"
        )
    return found


def _team_name(repo: Repository) -> str:
    for name, keys in (
        ("sekit.toml", ("project", "name")),
        ("pyproject.toml", ("project", "name")),
    ):
        if name in repo.files:
            try:
                data = tomllib.loads(repo.text(name) or "")
                value = data[keys[0]][keys[1]]
                if isinstance(value, str) and value.strip():
                    return value
            except (tomllib.TOMLDecodeError, KeyError, TypeError):
                continue
    return repo.root.name


def grade_one(
    root: Path, rubric: Rubric, *, run: bool = False, run_limit: float = 600.0
) -> TeamGrade:
    """Grade one repository; any failure becomes an ungradable entry with its reason."""
    try:
        return _grade(root, rubric, run=run, run_limit=run_limit)
    except Exception as exc:  # one team's failure never stops the class
        return TeamGrade(
            path=str(root),
            team=root.name,
            score=None,
            reason=f"cannot be graded: {type(exc).__name__}: {exc}",
        )


def _grade(root: Path, rubric: Rubric, *, run: bool, run_limit: float) -> TeamGrade:
    repo = Repository(root)
    if not repo.files:
        return TeamGrade(
            path=str(root), team=root.name, score=None, reason="the folder holds no files to grade"
        )
    items = [_item(repo, spec) for spec in rubric.items]
    junit = committed_junit(repo)
    gate_report = None
    notes: list[str] = []
    if run:
        from sekit.grade.running import run_gate, run_tests

        xml, happened = run_tests(repo.root, run_limit)
        notes.append(happened)
        if xml:
            junit.update(junit_results(xml))
        gate_report, happened = run_gate(repo.root, run_limit)
        notes.append(happened)
    earned = sum(i.points for i in items)
    possible = sum(i.max_points for i in items)
    sections: dict[str, dict[str, float]] = {}
    for item in items:
        section = sections.setdefault(item.section, {"earned": 0.0, "max": 0.0})
        section["earned"] += item.points
        section["max"] += item.max_points
    for section in sections.values():
        section["score"] = (
            round(100 * section["earned"] / section["max"], 1) if section["max"] else 0.0
        )
    commit = (repo.git("rev-parse", "--short", "HEAD") or "").strip() or None
    return TeamGrade(
        path=str(root),
        team=_team_name(repo),
        score=round(100 * earned / possible, 1) if possible else 0.0,
        sections=sections,
        mlts=score(repo, junit=junit, gate_report=gate_report),
        items=items,
        process=process(repo),
        commit=commit,
        notes=[*repo.notes, *notes],
    )


def _item(repo: Repository, spec: object) -> ItemResult:
    from sekit.grade.rubric import ItemSpec

    assert isinstance(spec, ItemSpec)
    if spec.detector == "custom":
        status, evidence = custom(repo, spec.files, spec.pattern)
    else:
        status, evidence = DETECTORS[spec.detector](repo)
    max_points = 0.0 if status == "not_assessed" else spec.points
    return ItemResult(
        id=spec.id,
        title=spec.title,
        section=spec.section,
        status=status,
        points=spec.points * CREDIT.get(status, 0.0),
        max_points=max_points,
        evidence=evidence,
    )


def grade(
    paths: Sequence[Path],
    *,
    each: bool = False,
    rubric: Rubric | None = None,
    run: bool = False,
    jobs: int = 1,
    run_limit: float = 600.0,
    db: Path | None = None,
    progress: Callable[[TeamGrade, int, int], None] | None = None,
) -> ClassReport:
    """Grade every repository (``jobs`` at a time) and record the run in ``db``."""
    chosen = rubric or builtin()
    targets = repositories(paths, each=each)
    results: list[TeamGrade] = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {
            pool.submit(grade_one, target, chosen, run=run, run_limit=run_limit): target
            for target in targets
        }
        for future in concurrent.futures.as_completed(futures):
            result = future.result()
            results.append(result)
            if progress is not None:
                progress(result, len(results), len(targets))
    order = {str(t): i for i, t in enumerate(targets)}
    results.sort(key=lambda r: order[r.path])
    if db is not None:
        for result in results:
            result.trend = previous_scores(db, result.path)
    report = ClassReport(
        rubric_version=chosen.version,
        graded_at=datetime.now(UTC).isoformat(timespec="seconds"),
        teams=results,
    )
    if db is not None:
        record(db, report)
    return report
