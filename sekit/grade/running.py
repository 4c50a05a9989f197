"""``sekit grade --run``: a team's tests and ``sekit gate``, each in a sandbox, on a copy.

1. **Environment.** A virtual environment for the team, built from the team's declared
   dependencies (:mod:`sekit.grade.declared`) with ``pip install --only-binary :all:``: wheels
   only, so nothing of the team's, nor of a package's build script, runs while installing.
   sekit and the packages of this environment stay visible behind the team's own (a ``.pth``
   file), so what the team pins wins and the rest need not be downloaded again.
2. **Tests.** pytest in a fresh copy of the repository, inside the sandbox
   (:mod:`sekit.grade.sandbox`), started by :mod:`sekit.grade.inside`; the outcome of each test
   comes back over a pipe (:mod:`sekit.grade.channel`), never as a file the team could rewrite.
3. **Gate.** ``sekit gate`` in another fresh copy (so nothing the tests wrote can stand in
   for its report), run by the instructor's sekit, loaded by path in an isolated interpreter
   (a team's own ``sekit/`` folder or package is never imported); its report comes back over
   the pipe and counts only when it is bound to this run (the run's nonce, the grader's sekit
   version, a start inside the run), else nothing is credited from it.

Whatever the sandbox stopped is recorded per step.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sekit.grade import inside as inside_module
from sekit.grade.channel import CHANNEL_ENV, NONCE_ENV, Binding, Pipe, bound_report, decode
from sekit.grade.declared import declared
from sekit.grade.model import RunCoverage, RunRecord, RunStep
from sekit.grade.repository import SKIP_DIRS, Repository
from sekit.grade.sandbox import (
    INSIDE_REPO,
    Limits,
    Sandbox,
    hand_over,
    python_locations,
    run_contained,
)

INSTALL_TIMEOUT = 600.0


def _environment(venv: Path, inside_repo: str) -> dict[str, str]:
    """The allow-listed environment of the sandboxed command (nothing of the instructor's)."""
    return {
        "PATH": f"{venv}/bin:/usr/local/bin:/usr/bin:/bin",
        "HOME": "/tmp/home",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "CI": "true",
        "TMPDIR": "/tmp",
        "PYTHONPATH": f"{inside_repo}/src:{inside_repo}",
        "PYTHONDONTWRITEBYTECODE": "1",
        "MPLBACKEND": "Agg",
        "DISABLE_DEEPCHECKS_ANONYMOUS_TELEMETRY": "1",
        "HYPOTHESIS_STORAGE_DIRECTORY": "/tmp/hypothesis",
    }


def _copy(source: Path, target: Path) -> Path:
    """A copy of the repository without git's folder and without junk (symlinks kept as
    links), walked without recursion: folders deeper than the grader reads are not copied."""
    from sekit.grade.walk import Walk

    walk = Walk(source, keep=lambda d: d not in SKIP_DIRS and not d.endswith(".egg-info"))
    target.mkdir(parents=True, exist_ok=True)
    for folder, dirs, names in walk:
        here = target / Path(folder).relative_to(source)
        for name in dirs:
            (here / name).mkdir(exist_ok=True)
        for name in names:
            if name.endswith(".egg-info"):
                continue
            shutil.copy2(Path(folder) / name, here / name, follow_symlinks=False)
    return target


def build_environment(repo: Repository, venv: Path, limit: float) -> RunStep:
    """A virtual environment with the team's declared dependencies (wheels only)."""
    start = time.monotonic()
    found = declared(repo)
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    site = next(venv.glob("lib/python*/site-packages"))
    import site as here

    visible = [p for p in here.getsitepackages() if Path(p).is_dir()]
    (site / "_sekit_instructor_env.pth").write_text(  # after the venv's own packages
        "".join(f"import site; site.addsitedir({p!r})\n" for p in visible), encoding="utf-8"
    )
    requirements = [*found.requirements, "pytest", "pytest-cov"]
    outcome = f"{len(found.requirements)} declared requirements from " + (
        ", ".join(found.sources) or "nowhere (none declared)"
    )
    contained = [f"not installed (not a plain requirement): {r}" for r in found.refused]
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "--python",
                str(venv / "bin" / "python"),
                "install",
                "--only-binary",
                ":all:",
                "--disable-pip-version-check",
                "--no-input",
                "--quiet",
                *requirements,
            ],
            capture_output=True,
            timeout=min(limit, INSTALL_TIMEOUT),
            env={**os.environ, "PIP_NO_INPUT": "1"},
        )
        code: int | None = done.returncode
        if done.returncode != 0:
            last = done.stderr.decode(errors="replace").strip().splitlines()
            outcome += f"; pip could not install them all: {last[-1] if last else ''}"
    except subprocess.TimeoutExpired:
        code = None
        outcome += "; installing took too long and was stopped"
    return RunStep(
        name="environment",
        exit_code=code,
        duration_s=round(time.monotonic() - start, 2),
        outcome=outcome,
        contained=contained,
    )


def run_team(
    repo: Repository, *, sandbox: Sandbox, limits: Limits
) -> tuple[dict[str, str] | None, dict[str, Any] | None, RunRecord]:
    """Run the team's tests and ``sekit gate``; (test outcomes by node id, gate report, what
    happened). Outcomes and report are None when the step sent nothing bound to its run."""
    record = RunRecord(sandbox=sandbox.name, limits=limits.describe())
    with tempfile.TemporaryDirectory(prefix="sekit-run-") as folder:
        work = Path(folder)
        venv = work / "venv"
        record.steps.append(build_environment(repo, venv, limits.wall_seconds))
        readable = Sandbox(sandbox.bwrap, (*python_locations(), venv))
        host = [str(venv / "bin" / "python"), "-I", str(Path(inside_module.__file__).resolve())]
        sent: dict[str, dict[str, Any] | None] = {}
        for name in ("tests", "gate"):
            sent[name], step = _step(
                name,
                [*host, name],
                repo=repo,
                work=work,
                sandbox=readable,
                venv=venv,
                limits=limits,
            )
            record.steps.append(step)
        tests = (sent["tests"] or {}).get("tests")
        junit = {str(k): str(v) for k, v in tests.items()} if isinstance(tests, dict) else None
        record.coverage = _coverage(sent["tests"])
        report = sent["gate"]
    return junit, report, record


def _coverage(sent: dict[str, Any] | None) -> RunCoverage:
    """The coverage the tests step measured, or why there is none."""
    measured = (sent or {}).get("coverage")
    if not isinstance(measured, dict):
        return RunCoverage(note="the tests step sent no coverage (it did not run to the end)")
    share = measured.get("share")
    try:
        return RunCoverage(
            share=float(share) if share is not None else None,
            statements=int(measured.get("statements") or 0),
            covered=int(measured.get("covered") or 0),
            note=str(measured.get("note") or ""),
        )
    except (TypeError, ValueError):
        return RunCoverage(note="the coverage the tests step sent is not a number")


def _step(
    name: str,
    argv: list[str],
    *,
    repo: Repository,
    work: Path,
    sandbox: Sandbox,
    venv: Path,
    limits: Limits,
) -> tuple[dict[str, Any] | None, RunStep]:
    copy = _copy(repo.root, work / f"{name}-repo")
    tmp = work / f"{name}-tmp"
    (tmp / "home").mkdir(parents=True)
    hand_over(copy)
    inside = INSIDE_REPO if sandbox.bwrap else str(copy)
    env = _environment(venv, inside)
    if sandbox.bwrap is None:
        env.update(HOME=str(tmp / "home"), TMPDIR=str(tmp))
    binding = Binding.new()
    pipe = Pipe.open()
    env.update({CHANNEL_ENV: str(pipe.write_fd), NONCE_ENV: binding.nonce})
    try:
        completed = run_contained(
            argv,
            sandbox=sandbox,
            repo=copy,
            env=env,
            limits=limits,
            log=work / f"{name}.log",
            pass_fds=(pipe.write_fd,),
        )
    finally:
        pipe.close_writer()
    sent = pipe.received()
    if completed.timed_out:
        outcome = f"stopped after {limits.wall_seconds:g}s"
    else:
        outcome = f"exited {completed.exit_code}"
    result, why = (None, "") if sent is None else bound_report(decode(sent), binding)
    if sent is None:
        outcome += "; it sent no " + ("test outcomes" if name == "tests" else "report")
    elif result is None:
        outcome += f"; what it sent is not bound to this run ({why}): nothing credited from it"
    return result, RunStep(
        name=name,
        exit_code=completed.exit_code,
        duration_s=completed.duration_s,
        outcome=outcome,
        contained=completed.stopped,
    )
