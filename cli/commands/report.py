"""``sekit report``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from sekit_cli.options import config_option, format_option, quiet_option

if TYPE_CHECKING:
    from sekit.report.model import Report


@click.command(short_help="Render a saved report.")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@format_option("table", "json", "markdown", "junit", "html")
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FILE",
    help="Write to FILE (atomically) instead of standard output.",
)
@click.option(
    "--readme",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    metavar="FILE",
    help="Write the report's badges (coverage, tests, gate) between FILE's "
    "<!-- sekit:badges --> and <!-- /sekit:badges --> lines; exit 0 once written.",
)
@click.option("--verbose", "-v", is_flag=True, help="Show every finding, info included.")
@config_option
@quiet_option
def report(
    path: Path | None,
    fmt: str,
    output: Path | None,
    readme: Path | None,
    verbose: bool,
    config_path: Path | None,
    quiet: bool,
) -> int:
    """Render a saved report (default: .sekit/report.json of this project).

    The exit code is the report's: 0 if it passed, 1 if it failed, 2 if its checks
    could not read their input.

    \b
    Examples:
      sekit report                               # the last run, as tables
      sekit report --format markdown >> "$GITHUB_STEP_SUMMARY"
      sekit report --format junit -o junit.xml   # for GitLab / Jenkins test reports
      sekit report --format html -o report.html # one file with pictures, works offline
      sekit report --readme README.md            # CI: the coverage badge follows the tests
    """
    from sekit.config.loader import find_config, load_config
    from sekit.errors import ConfigError, UsageError
    from sekit.fs import atomic_write_text
    from sekit.report import default_report_path, load_report, render
    from sekit_cli.render.console import console
    from sekit_cli.render.report import print_report

    if fmt == "table" and output is not None:
        raise UsageError("--output needs --format json, markdown, junit or html")
    if path is None:
        if config_path is not None:
            root = load_config(config_path).root
        else:
            try:
                root = find_config().parent
            except ConfigError:
                root = Path.cwd()
        path = default_report_path(root)
    saved = load_report(path)
    if readme is not None:
        _write_badges(readme, saved, quiet)
        return 0
    if fmt == "table":
        print_report(console(), saved, gates=bool(saved.gates), verbose=verbose, quiet=quiet)
    else:
        text = render(saved, fmt)
        if output is not None:
            atomic_write_text(output, text)
            if not quiet:
                click.echo(f"wrote {output}", err=True)
        else:
            click.echo(text, nl=False)
    return saved.exit_code


def _write_badges(readme: Path, saved: Report, quiet: bool) -> None:
    """The README's badge block rewritten from the report (atomically; nothing else moves)."""
    from sekit.errors import UsageError
    from sekit.fs import atomic_write_text
    from sekit.report.badges import NoBadgeBlock, update_readme

    try:
        text = readme.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{readme}: cannot read it ({exc.strerror})") from None
    try:
        updated = update_readme(text, saved)
    except NoBadgeBlock as exc:
        raise UsageError(f"{readme}: {exc}") from None
    if updated != text:
        atomic_write_text(readme, updated)
    if not quiet:
        click.echo(f"{'updated' if updated != text else 'unchanged'}: {readme}", err=True)
