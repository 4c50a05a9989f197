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

import tomllib
from dataclasses import replace
from pathlib import Path

from sekit.errors import UsageError
from sekit.exercises.catalogue import (
    EXERCISES,
    MARKER,
    READINESS_GAIN,
    READINESS_ITEMS,
    Exercise,
    Verdict,
    get,
)
from sekit.exercises.project import project_importable, run_pipeline
from sekit.scaffold import Plan

__all__ = [
    "EXERCISES",
    "MARKER",
    "READINESS_GAIN",
    "READINESS_ITEMS",
    "Exercise",
    "Verdict",
    "check",
    "exercise_in",
    "get",
    "plan_for",
    "project_importable",
    "run_pipeline",
    "start",
    "task_text",
]


def plan_for(name: str, target: Path) -> Plan:
    """The project of an exercise, as handed out, in memory."""
    from sekit.scaffold import plan
    from sekit.scaffold.variants import plan_variant

    exercise = get(name)
    if exercise.variant is not None:
        return plan_variant(exercise.variant, target=target)
    return plan("clinic-ai", target=target)


def task_text(exercise: Exercise) -> str:
    story = ""
    if exercise.variant is not None:
        from sekit.scaffold.variants import VARIANTS

        story = f"\n> {VARIANTS[exercise.variant].story}\n> (a team member)\n"
    return (
        f"# Exercise: {exercise.title}\n\nTopic: {exercise.topic}.\n{story}\n"
        f"## Your task\n\n{exercise.task}\n\n## How to work\n\n"
        '```bash\npip install -e ".[dev]"      # once\n'
        "dvc repro                      # the pipeline: what changed\n"
        "sekit gate                     # or sekit check ...\n"
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
    if exercise.suite == "release":  # the model in production, trained from the untouched project
        from sekit.exercises.project import deploy_original

        failure = deploy_original(project.target)
        if failure:
            raise UsageError(failure, hint="pip install 'sekit-ml[dev]' (DVC, MLflow)")
    return project.target


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
