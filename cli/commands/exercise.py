"""``sekit exercise list / start / check``."""

from __future__ import annotations

from pathlib import Path

import click


@click.group(short_help="Hands-on exercises on broken projects.")
def exercise() -> None:
    """Exercises for lab sessions: a project with one realistic fault, a task, and a check
    that says whether the fault is fixed (and refuses a weakened safety net).

    \b
    Examples:
      sekit exercise list
      sekit exercise start label-leakage
      cd label-leakage && sekit exercise check
    """


@exercise.command("list", short_help="List the exercises.")
def list_exercises() -> int:
    """List the exercises, with their suite and course topic.

    \b
    Example:
      sekit exercise list
    """
    from sekit.exercises import EXERCISES

    for item in EXERCISES.values():
        click.echo(f"{item.name:16} {item.suite:8} {item.title} ({item.topic})")
    return 0


@exercise.command(short_help="Start an exercise in a new folder.")
@click.argument("name")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
def start(name: str, directory: Path | None) -> int:
    """Write the project of exercise NAME into DIRECTORY (default ./NAME), with TASK.md.

    \b
    Example:
      sekit exercise start slow-service lab3
    """
    from sekit.exercises import start as begin

    target = begin(name, directory if directory is not None else Path(name))
    click.echo(f"started {name} in {target}; read {target / 'TASK.md'}")
    return 0


@exercise.command(short_help="Check whether the fault is fixed.")
@click.argument("directory", required=False, type=click.Path(path_type=Path), default=Path())
def check(directory: Path) -> int:
    """Run the pipeline and the exercise's checks; exit 0 when the fault is fixed.

    \b
    Example:
      sekit exercise check          # in the exercise's folder
    """
    from sekit.exercises import check as judge

    verdict = judge(directory)
    heading = {"fixed": "fixed", "not_fixed": "not fixed yet", "rejected": "not accepted"}[
        verdict.status
    ]
    click.echo(heading)
    for message in verdict.messages:
        click.echo(f"  - {message}")
    return verdict.exit_code
