"""Hands-on exercises on broken projects: ``sekit exercise list / start / check``.

``start`` writes a scaffolded project with one realistic fault (see
:mod:`sekit.scaffold.variants`) and a TASK.md; ``check`` runs the pipeline and the checks that
matter for the exercise, and says whether the fault is fixed, without giving the answer away.
It does not accept a "fix" that only weakens the safety net: a check switched off, a bound
loosened, a behaviour property or the load test removed, or the data thinned out. What the
project must keep is compared with the project as handed out, regenerated from sekit's own
templates (so editing a marker file does not help).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from sekit.errors import UsageError
from sekit.scaffold import Plan

MARKER = ".sekit-exercise.toml"


@dataclass(frozen=True)
class Exercise:
    name: str
    suite: str  # data | model | load | ci | grade
    topic: str  # the course topic it practises
    title: str
    task: str  # what to do, in the student's words; never the answer
    variant: str | None = None
    protect: tuple[str, ...] = ()  # sekit.toml tables that must not be weakened


EXERCISES: dict[str, Exercise] = {
    e.name: e
    for e in (
        Exercise(
            "label-leakage",
            "data",
            "data quality and testing",
            "Too good to be true",
            "The test accuracy is 100%. Find out why the data checks block the deployment and "
            "fix the cause, so that the test score means something again.",
            "label-leakage",
            ("gates", "data", "checks", "severity"),
        ),
        Exercise(
            "behaviour-bug",
            "model",
            "testing ML components",
            "A property the model must keep",
            "`sekit check model` reports a behaviour property that no longer holds. Find "
            "the change that broke it and make the model respect it again; the property "
            "itself stays.",
            "behaviour-bug",
            ("gates", "behaviour", "model", "checks", "severity"),
        ),
        Exercise(
            "slow-service",
            "load",
            "deployment and operation",
            "Slow under load",
            "Single requests look fine, but the load test misses its latency bound. Find "
            "what makes the service slow under load and fix it; the load and the bound stay "
            "as they are.",
            "slow-service",
            ("gates", "load", "service", "checks", "severity"),
        ),
        Exercise(
            "missing-gate",
            "ci",
            "continuous integration and deployment",
            "A gate that cannot block",
            "CI runs `sekit gate`, yet a model that fails its gates can still be deployed. "
            "Make CI stop the deployment when the gate fails (GitHub Actions and GitLab CI).",
            "missing-gate",
        ),
        Exercise(
            "readiness",
            "grade",
            "specification, documentation and process",
            "From scaffold to ready",
            "`sekit grade .` shows this fresh project's score and, beside it, the score of "
            "the untouched template (the zero line of your own work). Raise the score at "
            "least 8 points above the template by real improvements: specify the component "
            "(docs/requirements.md), describe the model (docs/model_card.md), say who the "
            "team is, and commit your work as you go (at least five commits that change "
            "files).",
        ),
    )
}
READINESS_GAIN = 8.0
READINESS_ITEMS = ("docs.requirements", "docs.model_card", "docs.readme", "vcs.git")


def plan_for(name: str, target: Path) -> Plan:
    """The project of an exercise, as handed out, in memory."""
    from sekit.scaffold import plan
    from sekit.scaffold.variants import plan_variant

    exercise = get(name)
    if exercise.variant is not None:
        return plan_variant(exercise.variant, target=target)
    return plan("clinic-ai", target=target)


def get(name: str) -> Exercise:
    if name not in EXERCISES:
        import difflib

        close = difflib.get_close_matches(name, list(EXERCISES), n=1)
        raise UsageError(
            f"no exercise named {name!r}",
            hint=f"did you mean {close[0]!r}?" if close else "`sekit exercise list` shows them",
        )
    return EXERCISES[name]


def task_text(exercise: Exercise) -> str:
    story = ""
    if exercise.variant is not None:
        from sekit.scaffold.variants import VARIANTS

        story = f"\n> {VARIANTS[exercise.variant].story}\n> (a team member)\n"
    return (
        f"# Exercise: {exercise.title}\n\nTopic: {exercise.topic}.\n{story}\n"
        f"## Your task\n\n{exercise.task}\n\n## How to work\n\n"
        '```bash\npip install -e ".[dev]"      # once\n'
        "python -m clinic_ai.pipeline\nsekit gate                     # or sekit check ...\n"
        "sekit exercise check           # is it fixed?\n```\n\n"
        "`sekit explain KIND` explains any finding. Keep sekit.toml's bounds, checks and "
        "behaviour properties as they are: the point is to fix the project, not the "
        "safety net.\n"
    )


def start(name: str, target: Path) -> Path:
    """Write the exercise's project into ``target`` (a new or empty folder), with git."""
    from sekit.scaffold import create

    exercise = get(name)
    project = plan_for(name, target.resolve())
    files = {
        **project.files,
        "TASK.md": task_text(exercise),
        MARKER: f'# sekit exercise\nname = "{exercise.name}"\n',
    }
    create(replace(project, files=files), git=True)
    return project.target


@dataclass
class Verdict:
    status: str  # fixed | not_fixed | rejected
    messages: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 0 if self.status == "fixed" else 1


def exercise_in(folder: Path) -> Exercise:
    marker = folder / MARKER
    try:
        name = tomllib.loads(marker.read_text())["name"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        raise UsageError(
            f"{folder}: not an exercise folder (no {MARKER})",
            hint="start one with `sekit exercise start NAME`",
        ) from None
    return get(str(name))


def check(folder: Path) -> Verdict:
    """Is the exercise's fault fixed, by a real fix?"""
    from sekit.exercises.judge import judge

    exercise = exercise_in(folder)
    return judge(exercise, folder.resolve(), plan_for(exercise.name, folder.resolve()))


@contextmanager
def project_importable(folder: Path) -> Iterator[dict[str, str]]:
    """PYTHONPATH with the project's src/, for the pipeline and the service it starts."""
    previous = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(folder / "src"), previous]))
    try:
        yield dict(os.environ)
    finally:
        if previous is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = previous


def run_pipeline(folder: Path, package: str, env: dict[str, str]) -> str | None:
    """None when the pipeline ran, else its last error line."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", f"{package}.pipeline"],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    except subprocess.TimeoutExpired:
        return "the pipeline ran for more than 10 minutes"
    if done.returncode == 0:
        return None
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    return lines[-1] if lines else f"exit code {done.returncode}"
