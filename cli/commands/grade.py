"""``sekit grade PATH...``."""

from __future__ import annotations

from pathlib import Path

import click

from sekit_cli.options import format_option, quiet_option


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
    help="Also run each team's tests and `sekit gate`, each in a bubblewrap sandbox "
    "(no network, only a copy of the repository writable, limits), in an environment "
    "built from the team's declared dependencies.",
)
@click.option(
    "--no-sandbox",
    is_flag=True,
    help="With --run where bubblewrap is not available: run team code without the sandbox "
    "(limits and a clean environment still apply). Only for repositories you trust.",
)
@click.option(
    "--roster",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FILE",
    help="CSV with 'folder' and 'team' columns: names teams by their folder, never by what "
    "a repository says about itself. A team on several lines (one per repository) is graded "
    "as one. Without PATH: grade the roster's folders (relative to the roster file).",
)
@click.option(
    "--history",
    "history",
    is_flag=True,
    help="Grade the past of one repository (each week, or every N commits with --every) "
    "and show the curve.",
)
@click.option(
    "--every",
    type=click.IntRange(1, 10_000),
    default=None,
    metavar="N",
    help="With --history: every N-th commit instead of each week.",
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
    help="Wall-clock limit for each --run of tests or gate.",
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
    help="Also write the class overview and every team's report (with --history: the curve).",
)
@format_option(
    "table",
    "json",
    "mllint",
    help="Output format (mllint: mllint's categories, rule slugs and Markdown layout, for a "
    "course whose CI requires mllint).",
)
@click.option(
    "--attest",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    metavar="FILE",
    help="In a team's CI: grade PATH (a clean checkout) and write the grade, with the gate's "
    "decision from .sekit/report.json, bound to the commit (tree, config, data and model "
    "hashes, sekit's version) to FILE (conventionally .sekit/attestation.json).",
)
@click.option(
    "--collect",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    metavar="DIR",
    help="Check the CI reports of a class: DIR holds one repository per team, each with "
    ".sekit/attestation.json. Refuses a report whose binding does not match its commit, "
    "flags stale ones and any whose grade differs from the one recomputed here, and "
    "re-runs a random sample with --run in the sandbox.",
)
@click.option(
    "--sample",
    type=click.FloatRange(0, 1),
    default=0.1,
    show_default=True,
    metavar="FRACTION",
    help="With --collect: the share of teams whose report passed the checks that are run "
    "again in the sandbox.",
)
@click.option(
    "--seed",
    type=int,
    default=None,
    help="With --collect: the seed that draws the sample (default: a fresh one, printed and "
    "kept in the JSON, so no team knows beforehand).",
)
@click.option("--verbose", "-v", is_flag=True, help="Show every rubric item of every team.")
@quiet_option
def grade(
    paths: tuple[Path, ...],
    each: tuple[Path, ...],
    run: bool,
    no_sandbox: bool,
    roster: Path | None,
    history: bool,
    every: int | None,
    rubric: Path | None,
    jobs: int,
    timeout: float,
    db: Path,
    csv_path: Path | None,
    html_path: Path | None,
    fmt: str,
    attest: Path | None,
    collect: Path | None,
    sample: float,
    seed: int | None,
    verbose: bool,
    quiet: bool,
) -> int:
    """Readiness report and score (0-100, with the ML Test Score) per team repository.

    Without --run only files are read (git history without running git) and ruff lints
    them: nothing from a team's repository is imported or executed. With --run the team's
    tests and `sekit gate` run in a sandbox. A repository that cannot be graded gets an
    entry with its reason; the others are graded anyway. Projects started from `sekit new`
    show the untouched template's score beside theirs: the team's own work is the gain.

    \b
    Examples:
      sekit grade .                               # your own project, before the deadline
      sekit grade --each submissions/ --roster roster.csv --csv grades.csv --html grades.html
      sekit grade --each submissions/ --rubric milestone2.toml --jobs 4
      sekit grade team-07 --run --format json
      sekit grade --roster remla/roster.csv       # six repositories per team, one grade
      sekit grade . --attest .sekit/attestation.json           # in the team's CI
      sekit grade --collect class/ --sample 0.1 --csv grades.csv  # the instructor
      sekit grade team-07 --history --html team-07-history.html
    """
    from sekit.fs import atomic_write_text
    from sekit.grade.api import run_grade
    from sekit.grade.attest import Attestation
    from sekit.grade.model import HistoryReport
    from sekit.grade.render import history_html, to_csv, to_html
    from sekit_cli.render.console import console
    from sekit_cli.render.grades import print_collection, print_grades, print_history

    if fmt == "mllint" and history:
        raise click.UsageError("--format mllint grades the present, not --history")
    err = console(stderr=True)
    graded = run_grade(
        paths,
        each=each,
        roster=roster,
        rubric=rubric,
        run=run,
        sandbox=not no_sandbox,
        timeout=timeout,
        jobs=jobs,
        db=db,
        history=history,
        every=every,
        attest=attest is not None,
        collect=collect,
        sample=sample,
        seed=seed,
        progress=None if quiet else lambda line: err.print(f"[muted]{line}[/]"),
    )
    if isinstance(graded, Attestation):
        assert attest is not None
        atomic_write_text(attest, graded.model_dump_json(indent=2))
        if not quiet:
            click.echo(
                f"{attest}: {graded.grade.score} for commit {graded.binding.commit[:12]} "
                f"(gate: {graded.gate.verdict if graded.gate else 'not run'})"
            )
        return 0
    if isinstance(graded, HistoryReport):
        if html_path is not None:
            atomic_write_text(html_path, history_html(graded))
        if fmt == "json":
            click.echo(graded.model_dump_json(indent=2))
        else:
            print_history(console(), graded)
        return 0
    if csv_path is not None:
        atomic_write_text(csv_path, to_csv(graded))
    if html_path is not None:
        atomic_write_text(html_path, to_html(graded))
    if fmt == "json":
        click.echo(graded.model_dump_json(indent=2))
    elif fmt == "mllint":
        from sekit.grade.mllint import to_mllint

        click.echo(to_mllint(graded))
    else:
        print_grades(console(), graded, verbose=verbose, quiet=quiet)
        if graded.collection is not None:
            print_collection(console(), graded)
    if graded.collection is None:
        for team in graded.teams:
            if team.score is None:
                click.echo(f"sekit: warning: {team.path}: {team.reason}", err=True)
    return 0
