"""``sekit grade``: readiness reports for team repositories, and a ranked class overview.

:func:`grade` grades each repository against a rubric (the built-in one or an instructor's),
computes the ML Test Score and the team's process from git, shows the score of the untouched
template the team started from (the zero line of the team's own work), and records the run in
a history store. Without ``run`` it only reads files (git history with dulwich) and runs ruff on
them: nothing of a repository is executed, imported or unpickled. With ``run`` the team's tests
and ``sekit gate`` run inside a sandbox (:mod:`sekit.grade.running`). Teams are named by folder
or by an instructor's roster, never by what a repository says about itself. One team's failure
(an unreadable repository, a time limit) gives that team an entry with ``score: None`` and the
reason; it never stops the class.
"""

from __future__ import annotations

import concurrent.futures
import tempfile
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sekit.errors import UsageError
from sekit.grade.detectors import Item, Outcome
from sekit.grade.detectors.common import scaffold_commit
from sekit.grade.mlts import committed_junit, score
from sekit.grade.model import (
    ClassReport,
    GateSummary,
    HistoryReport,
    ItemResult,
    TeamGrade,
    TemplateLine,
)
from sekit.grade.process import process
from sekit.grade.repository import Repository
from sekit.grade.rubric import Rubric, builtin
from sekit.grade.sandbox import Limits, Sandbox
from sekit.grade.store import previous_scores, record
from sekit.grade.teams import combine, tally
from sekit.scaffold import CONFIG_HEADER


@dataclass(frozen=True)
class SandboxRun:
    """``--run``: the sandbox (``bwrap`` None with ``--no-sandbox``) and the limits."""

    sandbox: Sandbox
    limits: Limits


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


def _item(repo: Repository, spec: Item) -> ItemResult:
    try:
        outcome = spec(repo)
    except Exception as exc:  # one part that fails is a partial grade, never a lost team
        outcome = Outcome(
            "not_assessed",
            [
                f"sekit could not assess this item on this repository ({type(exc).__name__}: "
                f"{str(exc)[:200]}): it earns no points; please report it with the repository"
            ],
        )
    share = outcome.share
    return ItemResult(
        id=spec.id,
        title=spec.title,
        section=spec.section,
        status=outcome.status,
        points=round(spec.points * share, 2),
        max_points=spec.points,
        credit=share,
        evidence=outcome.evidence,
        parts=outcome.parts,
    )


def grade_files(
    repo: Repository,
    rubric: Rubric,
    *,
    team: str,
    junit: dict[str, str] | None = None,
    gate_report: dict[str, object] | None = None,
) -> TeamGrade:
    """Grade what the repository's files and history show (nothing is run here).

    ``junit`` and ``gate_report`` are what ``--run`` produced (None without it). An item whose
    tool failed (``not_assessed``) keeps its points in the total and earns none: fail closed.
    """
    items = [_item(repo, spec) for spec in rubric.items]
    self_reported, reported_files = committed_junit(repo)
    total, sections = tally(items)
    notes = list(repo.notes)
    if reported_files:
        notes.append(
            f"committed test results ({', '.join(reported_files[:2])}) are self-reported: "
            "shown in the ML Test Score, never credited"
        )
    head = repo.commits[0].short if repo.commits else None
    return TeamGrade(
        path=str(repo.root),
        team=team,
        score=total,
        sections=sections,
        mlts=score(repo, junit=junit, gate_report=gate_report, self_reported=self_reported),
        items=items,
        process=process(repo),
        commit=head,
        notes=notes,
    )


def _template_line(repo: Repository, rubric: Rubric, team: str) -> TemplateLine | None:
    """The score of the untouched template the team started from, or None."""
    from sekit.grade.timeline import grade_commit

    sha = scaffold_commit(repo)
    if sha is not None:
        start = grade_commit(repo, sha, lambda past: grade_files(past, rubric, team=team))
        if start.score is None:
            return None
        return TemplateLine(
            source=f"scaffold commit {sha[:7]}",
            score=start.score,
            mlts_final=start.mlts.final if start.mlts else None,
        )
    return _regenerated(repo, rubric, team)


def _regenerated(repo: Repository, rubric: Rubric, team: str) -> TemplateLine | None:
    """A project made by ``sekit new`` whose history no longer shows it: grade a fresh one."""
    text = repo.text("sekit.toml") if "sekit.toml" in repo.files else None
    if not text or not text.startswith(CONFIG_HEADER):
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    name = data.get("project", {}).get("name")
    task = data.get("model", {}).get("task", "classification")
    template = {"ranking": "recommender"}.get(task, task)
    if not isinstance(name, str) or template not in ("classification", "regression", "recommender"):
        return None
    from sekit.scaffold import create, plan

    with tempfile.TemporaryDirectory(prefix="sekit-template-") as folder:
        try:
            made = plan(name, template=template, target=Path(folder) / name)
            create(made, git=False)
        except Exception:  # a name sekit new refuses: no zero line rather than a crash
            return None
        fresh = Repository(Path(folder) / name)
        graded = grade_files(fresh, rubric, team=team)
    if graded.score is None:
        return None
    return TemplateLine(
        source=f"regenerated: sekit new {name} --template {task}",
        score=graded.score,
        mlts_final=graded.mlts.final if graded.mlts else None,
    )


def grade_one(
    root: Path,
    rubric: Rubric,
    *,
    team: str | None = None,
    run: SandboxRun | None = None,
    template: bool = True,
) -> TeamGrade:
    """Grade one repository; any failure becomes an ungradable entry with its reason."""
    name = team or root.resolve().name
    repo = Repository(root)
    try:
        return _grade(repo, rubric, team=name, run=run, template=template)
    except Exception as exc:  # one team's failure never stops the class
        return TeamGrade(
            path=str(root),
            team=name,
            score=None,
            reason=f"cannot be graded: {_reason(exc)}",
        )
    finally:
        repo.close()


def _reason(exc: Exception) -> str:
    """What an instructor can do about a repository sekit could not grade."""
    if isinstance(exc, RecursionError):
        return "its files are nested too deeply to read; ask the team to flatten the folders"
    if isinstance(exc, MemoryError):
        return "it is too large to read in memory; ask the team to remove the bulk data"
    if isinstance(exc, OSError):
        return f"a file could not be read ({exc}); check the folder's permissions"
    return (
        f"sekit failed on this repository ({type(exc).__name__}: {str(exc)[:200]}); please "
        "report it with the repository"
    )


def _grade(
    repo: Repository, rubric: Rubric, *, team: str, run: SandboxRun | None, template: bool
) -> TeamGrade:
    if not repo.files:
        return TeamGrade(
            path=str(repo.root), team=team, score=None, reason="the folder holds no files to grade"
        )
    junit: dict[str, str] | None = None
    gate_report = None
    record_ = None
    if run is not None:
        from sekit.grade.running import run_team

        outcomes, gate_report, record_ = run_team(repo, sandbox=run.sandbox, limits=run.limits)
        junit = outcomes or {}
        repo.run = record_  # the items that read what the run measured (tests.coverage)
    graded = grade_files(repo, rubric, team=team, junit=junit, gate_report=gate_report)
    graded.run = record_
    graded.gate = GateSummary.of(gate_report)
    if template:
        graded.template = _template_line(repo, rubric, team)
    return graded


def grade(
    paths: Sequence[Path],
    *,
    each: bool = False,
    rubric: Rubric | None = None,
    run: SandboxRun | None = None,
    jobs: int = 1,
    db: Path | None = None,
    roster: Mapping[str, str] | None = None,
    progress: Callable[[TeamGrade, int, int], None] | None = None,
) -> ClassReport:
    """Grade every repository (``jobs`` at a time) and record the run in ``db``.

    ``roster`` maps a repository's folder name (or the end of its path) to the team's name; a
    folder missing from it is named by its folder and noted. Several repositories of one
    team are graded as one (:mod:`sekit.grade.teams`): each item met by any of them, the
    evidence naming which.
    """
    chosen = rubric or builtin()
    targets = repositories(paths, each=each)
    names = {target: team_of(target, roster) for target in targets}
    results: list[TeamGrade] = []

    def one(target: Path) -> TeamGrade:
        name = names[target]
        graded = grade_one(target, chosen, team=name, run=run)
        if roster is not None and name is None:
            folder = target.resolve().name
            graded.notes.append(f"{folder!r} is not on the roster: named by its folder")
        return graded

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(one, target): target for target in targets}
        for future in concurrent.futures.as_completed(futures):
            result = future.result()
            results.append(result)
            if progress is not None:
                progress(result, len(results), len(targets))
    order = {str(t): i for i, t in enumerate(targets)}
    results.sort(key=lambda r: order[r.path])
    results = _teams(results, names)
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


def team_of(target: Path, roster: Mapping[str, str] | None) -> str | None:
    """The roster's team for a repository: by its folder name, or by the end of its path
    (``remla25-team13/model-training``) when the roster names folders with a slash."""
    if not roster:
        return None
    if target.resolve().name in roster:
        return roster[target.resolve().name]
    parts = target.resolve().parts
    for folder, team in roster.items():
        tail = tuple(p for p in folder.split("/") if p)
        if len(tail) > 1 and parts[-len(tail) :] == tail:
            return team
    return None


def _teams(results: list[TeamGrade], names: Mapping[Path, str | None]) -> list[TeamGrade]:
    """One entry per team: the repositories the roster gives one team are graded as one."""
    by_team: dict[str, list[TeamGrade]] = {}
    for result in results:
        name = names.get(Path(result.path))
        by_team.setdefault(name if name is not None else f"\0{result.path}", []).append(result)
    merged: list[TeamGrade] = []
    for key, parts in by_team.items():
        merged.append(parts[0] if len(parts) == 1 else combine(key, parts))
    return merged


def grade_history(
    root: Path,
    *,
    rubric: Rubric | None = None,
    every: int | None = None,
    team: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> HistoryReport:
    """The grade of each week (or each ``every``-th commit) of a repository's history."""
    from sekit.grade.timeline import curve

    chosen = rubric or builtin()
    if not root.is_dir():
        raise UsageError(f"{root}: no such folder")
    repo = Repository(root)
    try:
        if repo.history is None:
            reason = next((n for n in repo.notes if n.startswith("git history")), "no git history")
            raise UsageError(f"{root}: cannot grade its history: {reason}")
        name = team or root.resolve().name
        return curve(
            repo,
            team=name,
            rubric=chosen,
            every=every,
            grade_files=lambda past: grade_files(past, chosen, team=name),
            progress=progress,
        )
    finally:
        repo.close()
