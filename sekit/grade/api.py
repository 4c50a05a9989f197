"""The one call behind ``sekit grade``: :func:`run_grade` takes what the command line says,
keyword by keyword, and returns what to show.

Four things can be asked for, and the result says which was done: a class graded
(:class:`~sekit.grade.model.ClassReport`), a class's CI reports checked and a sample re-run
(``collect``: a ``ClassReport`` with its ``collection``), one repository's past
(``history``: a :class:`~sekit.grade.model.HistoryReport`), or a team's CI grade bound to its
commit (``attest``: an :class:`~sekit.grade.attest.Attestation`). The caller renders and
writes files; a combination that makes no sense is a :class:`~sekit.errors.UsageError` naming
the options, raised before anything is graded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sekit.errors import UsageError

if TYPE_CHECKING:
    from sekit.grade import SandboxRun
    from sekit.grade.attest import Attestation
    from sekit.grade.model import ClassReport, HistoryReport, TeamGrade
    from sekit.grade.rubric import Rubric


def run_grade(
    paths: Sequence[Path] = (),
    *,
    each: Sequence[Path] = (),
    roster: Path | None = None,
    rubric: Path | None = None,
    run: bool = False,
    sandbox: bool = True,
    timeout: float = 600,
    jobs: int = 2,
    db: Path | None = None,
    history: bool = False,
    every: int | None = None,
    attest: bool = False,
    collect: Path | None = None,
    sample: float = 0.1,
    seed: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> ClassReport | HistoryReport | Attestation:
    """Grade what the options name and return the report (module docstring).

    ``paths`` are repositories, ``each`` folders holding one repository per team, ``roster``
    a CSV naming teams by folder (alone: grade its folders). ``run`` also runs each team's
    tests and gate, inside the sandbox unless ``sandbox`` is False; ``timeout`` bounds each
    run. ``history`` grades one repository's past (weekly, or every ``every``-th commit);
    ``attest`` grades one checkout for its CI; ``collect`` checks the CI reports of the class
    in that folder and re-runs the share ``sample`` of them (drawn with ``seed``). ``db``
    keeps every class run for trends. ``progress`` receives one line per step.
    """
    from sekit.grade.roster import load_roster
    from sekit.grade.rubric import load_rubric

    if not paths and not each and roster is None and collect is None:
        raise UsageError("give at least one PATH, --each DIR, --roster FILE or --collect DIR")
    if (seed is not None or sample != 0.1) and collect is None:
        raise UsageError("--sample and --seed only apply with --collect")
    if not sandbox and not run:
        raise UsageError("--no-sandbox only applies with --run")
    if every is not None and not history:
        raise UsageError("--every only applies with --history")
    chosen = load_rubric(rubric)
    names = load_roster(roster) if roster is not None else None
    say = progress or (lambda _: None)
    if history:
        if each or len(paths) != 1 or run:
            raise UsageError("--history grades one PATH (without --each or --run)")
        return _history(paths[0], chosen, every, names, say)
    if attest:
        if len(paths) != 1 or each or run or collect is not None:
            raise UsageError("--attest grades one PATH (the CI's checkout), without --run")
        from sekit.grade.attest import attest as attest_one

        return attest_one(paths[0], chosen)
    sandboxed = _sandbox(sandbox, timeout) if run or (collect is not None and sample > 0) else None
    if not paths and not each and names is not None and roster is not None:
        paths = [roster.parent / folder for folder in names]  # the roster's own folders
    if collect is not None:
        if paths or each or run:
            raise UsageError("--collect DIR grades the class in DIR (re-runs: --sample)")
        return _collect(collect, chosen, sandboxed, sample, seed, jobs, say)
    from sekit.grade import grade, repositories

    targets = [*repositories(list(paths), each=False)] if paths else []
    targets += repositories(list(each), each=True) if each else []

    def step(team: TeamGrade, done: int, total: int) -> None:
        say(f"[{done}/{total}] {team.path}")

    return grade(
        targets, rubric=chosen, run=sandboxed, jobs=jobs, db=db, roster=names, progress=step
    )


def _sandbox(sandbox: bool, timeout: float) -> SandboxRun:
    """Where team code runs: bubblewrap, or (``sandbox`` False) no sandbox but the limits."""
    from sekit.grade import SandboxRun
    from sekit.grade.sandbox import Limits, Sandbox, find_sandbox

    bwrap, why = find_sandbox()
    if bwrap is None and sandbox:
        raise UsageError(
            f"--run runs team code only inside a sandbox, and {why}; install it, "
            "or pass --no-sandbox for repositories you trust"
        )
    return SandboxRun(Sandbox(bwrap if sandbox else None), Limits(wall_seconds=timeout))


def _history(
    target: Path,
    rubric: Rubric,
    every: int | None,
    names: dict[str, str] | None,
    say: Callable[[str], None],
) -> HistoryReport:
    from sekit.grade import grade_history

    return grade_history(
        target,
        rubric=rubric,
        every=every,
        team=(names or {}).get(target.resolve().name),
        progress=lambda done, total: say(f"[{done}/{total}] graded"),
    )


def _collect(
    folder: Path,
    rubric: Rubric,
    sandboxed: SandboxRun | None,
    sample: float,
    seed: int | None,
    jobs: int,
    say: Callable[[str], None],
) -> ClassReport:
    from sekit.grade import grade_one
    from sekit.grade.collect import Sampling, collect

    def rerun(root: Path) -> TeamGrade:
        say(f"re-running {root.name} in the sandbox")
        return grade_one(root, rubric, run=sandboxed, template=False)

    def step(team: TeamGrade, done: int, total: int) -> None:
        say(f"[{done}/{total}] {team.path}")

    return collect(
        folder,
        rubric,
        sampling=Sampling.drawn(sample, seed),
        rerun=rerun,
        grade_here=lambda root: grade_one(root, rubric, template=False),
        jobs=jobs,
        progress=step,
    )
