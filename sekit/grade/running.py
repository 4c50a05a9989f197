"""``sekit grade --run``: a team's tests and ``sekit gate``, each in a sandbox, on a copy.

1. **Environment.** A virtual environment for the team, built from the team's declared
   dependencies (:mod:`sekit.grade.declared`) with ``pip install --only-binary :all:``: wheels
   only, so nothing of the team's, nor of a package's build script, runs while installing.
   sekit and the packages of this environment stay visible behind the team's own (a ``.pth``
   file), so what the team pins wins and the rest need not be downloaded again.
2. **Tests.** pytest in a fresh copy of the repository, inside the sandbox
   (:mod:`sekit.grade.sandbox`); its JUnit XML comes back as a file in a folder of its own.
3. **Gate.** ``sekit gate`` in another fresh copy (so nothing the tests wrote can stand in
   for its report); the report is the ``.sekit/report.json`` that sekit wrote, read as a file,
   never parsed out of the output.

Whatever the sandbox stopped is recorded per step.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sekit.grade.declared import declared
from sekit.grade.model import RunRecord, RunStep
from sekit.grade.repository import SKIP_DIRS, Repository
from sekit.grade.sandbox import (
    INSIDE_OUT,
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
    requirements = [*found.requirements, "pytest"]
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
) -> tuple[str | None, dict[str, Any] | None, RunRecord]:
    """Run the team's tests and ``sekit gate``; (JUnit XML, gate report, what happened)."""
    record = RunRecord(sandbox=sandbox.name, limits=limits.describe())
    with tempfile.TemporaryDirectory(prefix="sekit-run-") as folder:
        work = Path(folder)
        venv = work / "venv"
        record.steps.append(build_environment(repo, venv, limits.wall_seconds))
        readable = Sandbox(sandbox.bwrap, (*python_locations(), venv))
        xml, step = _step(
            "tests",
            [
                str(venv / "bin" / "python"),
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                f"--junitxml={_inside(work / 'tests-out', sandbox)}/junit.xml",
            ],
            repo=repo,
            work=work,
            sandbox=readable,
            venv=venv,
            limits=limits,
            result="junit.xml",
        )
        record.steps.append(step)
        report_text, step = _step(
            "gate",
            [str(venv / "bin" / "python"), "-m", "sekit", "gate", "--quiet", "--format", "json"],
            repo=repo,
            work=work,
            sandbox=readable,
            venv=venv,
            limits=limits,
            result=".sekit/report.json",
        )
        record.steps.append(step)
    report = None
    if report_text:
        try:
            loaded = json.loads(report_text)
            report = loaded if isinstance(loaded, dict) else None
        except json.JSONDecodeError:
            step.outcome += "; its report is not JSON"
    return xml, report, record


def _inside(path: Path, sandbox: Sandbox) -> str:
    return INSIDE_OUT if sandbox.bwrap else str(path)


def _step(
    name: str,
    argv: list[str],
    *,
    repo: Repository,
    work: Path,
    sandbox: Sandbox,
    venv: Path,
    limits: Limits,
    result: str,
) -> tuple[str | None, RunStep]:
    copy = _copy(repo.root, work / f"{name}-repo")
    out = work / f"{name}-out"
    tmp = work / f"{name}-tmp"
    out.mkdir()
    (tmp / "home").mkdir(parents=True)
    hand_over(copy, out, tmp)
    inside = INSIDE_REPO if sandbox.bwrap else str(copy)
    env = _environment(venv, inside)
    if sandbox.bwrap is None:
        env.update(HOME=str(tmp / "home"), TMPDIR=str(tmp))
    completed = run_contained(
        argv,
        sandbox=sandbox,
        repo=copy,
        out=out,
        tmp=tmp,
        env=env,
        limits=limits,
        log=work / f"{name}.log",
    )
    produced = (out / result) if result.endswith(".xml") else (copy / result)
    text = None
    if produced.is_file() and not produced.is_symlink():
        text = produced.read_text(encoding="utf-8", errors="replace")
    if completed.timed_out:
        outcome = f"stopped after {limits.wall_seconds:g}s"
    else:
        outcome = f"exited {completed.exit_code}"
    if text is None:
        outcome += f"; it wrote no {result.rsplit('/', 1)[-1]}"
    return text, RunStep(
        name=name,
        exit_code=completed.exit_code,
        duration_s=completed.duration_s,
        outcome=outcome,
        contained=completed.stopped,
    )
