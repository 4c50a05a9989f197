"""``sekit grade PATH...``."""

from __future__ import annotations

from pathlib import Path

import click

from sekit_cli.options import quiet_option


@click.command(short_help="Grade team repositories for readiness.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--each",
    "each",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="DIR",
    help="Grade every folder inside DIR (one per team).",
)
@click.option(
    "--run",
    is_flag=True,
    help="Also run each team's tests and `sekit gate` (executes team code; "
    "install the projects into this environment first).",
)
@click.option(
    "--rubric",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FILE",
    help="An instructor's rubric in TOML (weights, items off, own items).",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="Repositories graded at the same time.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=600,
    show_default=True,
    metavar="SECONDS",
    help="Time limit for each --run of tests or gate.",
)
@click.option(
    "--db",
    type=click.Path(path_type=Path),
    default=Path(".sekit/grades.sqlite"),
    show_default=True,
    help="Where every grading run is kept (for trends).",
)
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FILE",
    help="Also write one row per team (for the LMS).",
)
@click.option(
    "--html",
    "html_path",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FILE",
    help="Also write the class overview and every team's report.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option("--verbose", "-v", is_flag=True, help="Show every rubric item of every team.")
@quiet_option
def grade(
    paths: tuple[Path, ...],
    each: tuple[Path, ...],
    run: bool,
    rubric: Path | None,
    jobs: int,
    timeout: float,
    db: Path,
    csv_path: Path | None,
    html_path: Path | None,
    fmt: str,
    verbose: bool,
    quiet: bool,
) -> int:
    """Readiness report and score (0-100, with the ML Test Score) per team repository.

    Without --run only files and read-only tools (git, ruff) are used: nothing from a
    team's repository is imported or executed. A repository that cannot be graded gets
    an entry with its reason; the others are graded anyway.

    \b
    Examples:
      sekit grade .                               # your own project, before the deadline
      sekit grade --each submissions/ --csv grades.csv --html grades.html
      sekit grade --each submissions/ --rubric milestone2.toml --jobs 4
      sekit grade team-07 --run --format json
    """
    from sekit.fs import atomic_write_text
    from sekit.grade import grade as grade_all
    from sekit.grade import repositories
    from sekit.grade.model import TeamGrade
    from sekit.grade.render import to_csv, to_html
    from sekit.grade.rubric import load_rubric
    from sekit_cli.render.console import console
    from sekit_cli.render.grades import print_grades

    if not paths and not each:
        raise click.UsageError("give at least one PATH or --each DIR")
    chosen = load_rubric(rubric)
    targets = [*repositories(list(paths), each=False)] if paths else []
    targets += repositories(list(each), each=True) if each else []
    err = console(stderr=True)

    def progress(team: TeamGrade, done: int, total: int) -> None:
        if not quiet:
            err.print(f"[muted][{done}/{total}] {team.path}[/]")

    report = grade_all(
        targets, rubric=chosen, run=run, jobs=jobs, run_limit=timeout, db=db, progress=progress
    )
    if csv_path is not None:
        atomic_write_text(csv_path, to_csv(report))
    if html_path is not None:
        atomic_write_text(html_path, to_html(report))
    if fmt == "json":
        click.echo(report.model_dump_json(indent=2))
    else:
        print_grades(console(), report, verbose=verbose, quiet=quiet)
    for team in report.teams:
        if team.score is None:
            click.echo(f"sekit: warning: {team.path}: {team.reason}", err=True)
    return 0
