"""``sekit new NAME``."""

from __future__ import annotations

from pathlib import Path

import click

from sekit_cli.options import quiet_option


@click.command(short_help="Scaffold a team project.")
@click.argument("name")
@click.option(
    "--template",
    type=click.Choice(["classification", "regression", "endpoint", "llm", "recommender"]),
    default="classification",
    show_default=True,
    help="classification: breast cancer diagnosis; regression: diabetes progression; "
    "endpoint: a pipeline around a given model endpoint (review sentiment); llm: a pipeline "
    "around a chat model, with a real small one offline; recommender: a movie recommendation "
    "service on MovieLens ratings (GET /recommend/<user>).",
)
@click.option(
    "--team",
    default="",
    metavar="NAMES",
    help='Comma-separated team members, e.g. "Ana,Ben,Caro,Dan".',
)
@click.option(
    "--directory",
    type=click.Path(path_type=Path),
    default=None,
    metavar="DIR",
    help="Where to create the project (default: ./NAME).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Write into a folder that is not empty (same-named files are replaced).",
)
@click.option("--pretend", is_flag=True, help="List what would be written; write nothing.")
@click.option("--no-git", is_flag=True, help="Do not run git init and the first commit.")
@quiet_option
def new(
    name: str,
    template: str,
    team: str,
    directory: Path | None,
    force: bool,
    pretend: bool,
    no_git: bool,
    quiet: bool,
) -> int:
    """Create NAME: the ML pipeline, a model service, tests, CI, docs and sekit.toml.

    The project passes its own tests and `sekit gate` out of the box, offline.

    \b
    Examples:
      sekit new wine-team --team "Ana,Ben,Caro,Dan"
      sekit new progress --template regression --directory projects/progress
      sekit new reviews --template endpoint          # phase 1: around a given endpoint
      sekit new demo --pretend
    """
    from sekit.scaffold import check_target, create, plan

    members = team.split(",") if team else None
    project = plan(name, template=template, team=members, target=directory)
    if pretend:
        check_target(project.target, force=force)
        click.echo(f"would create {project.target} ({template}) with {len(project.files)} files:")
        for path in sorted(project.files):
            click.echo(f"  {path}")
        return 0
    created = create(project, force=force, git=not no_git)
    if not quiet:
        click.echo(
            f"created {created.target} ({template}, {len(created.files)} files; git: {created.git})"
        )
        click.echo("next:")
        for step in created.next_steps:
            click.echo(f"  {step}")
    return 0
