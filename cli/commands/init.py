"""``sekit init``."""

from __future__ import annotations

from pathlib import Path

import click

from sekit_cli.options import quiet_option


@click.command(short_help="Add sekit to an existing repository.")
@click.argument(
    "path", default=".", type=click.Path(path_type=Path, file_okay=False), required=False
)
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    metavar="FILE",
    help="Write the configuration to FILE instead of PATH/sekit.toml (e.g. when sekit.toml "
    "exists: compare the two). FILE must not exist either.",
)
@click.option(
    "--ci",
    is_flag=True,
    help="Also add .github/workflows/sekit.yml: the gate, and a readiness report bound to "
    "the commit it judged (for `sekit grade --collect`).",
)
@click.option(
    "--pre-commit",
    "precommit",
    is_flag=True,
    help="Also add .pre-commit-config.yaml with a hook that validates the configuration.",
)
@click.option("--pretend", is_flag=True, help="Say what would be written; write nothing.")
@quiet_option
def init(
    path: Path, output: Path | None, ci: bool, precommit: bool, pretend: bool, quiet: bool
) -> int:
    """Add sekit to a repository that did not start from `sekit new`.

    Reads the repository (nothing is run or imported) for its data files (also those DVC
    versions: *.dvc files and dvc.yaml outs), the label column, the model file, the web
    service, the tests and the CI, and writes sekit.toml with each guess and its reason
    beside it. Never changes a file that exists: exit 2 when sekit.toml exists (see
    --output) or nothing could be found. Prints what it could not decide.

    \b
    Examples:
      sekit init                       # in the repository's folder
      sekit init model-training --ci --pre-commit
      sekit init --output sekit.guess.toml     # sekit.toml exists: write the guess beside it
    """
    from rich.markup import escape

    from sekit.adopt import adopt
    from sekit_cli.render.console import console

    adoption = adopt(path, output=output, ci=ci, precommit=precommit, pretend=pretend)
    out = console()
    verb = "would write" if pretend else "wrote"
    for written in adoption.written:
        out.print(f"{verb} {escape(str(written))}")
    for line in adoption.not_written:
        out.print(f"[warn]not written:[/] {escape(line)}")
    if adoption.found.undecided and not quiet:
        out.print("\n[bold]Could not decide[/] (see the comments in the file):")
        for line in adoption.found.undecided:
            out.print(f"  - {escape(line)}")
    if not quiet and not pretend:
        first = "`dvc pull`, then " if adoption.found.dvc else ""
        out.print(f"\nnext: {first}`sekit config validate`, then `sekit check`")
    return 0
