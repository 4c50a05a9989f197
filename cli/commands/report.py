"""``sekit report``."""

from __future__ import annotations

from pathlib import Path

import click

from sekit_cli.options import config_option, quiet_option


@click.command(short_help="Render a saved report.")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "markdown", "junit", "html"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FILE",
    help="Write to FILE (atomically) instead of standard output.",
)
@click.option("--verbose", "-v", is_flag=True, help="Show every finding, info included.")
@config_option
@quiet_option
def report(
    path: Path | None,
    fmt: str,
    output: Path | None,
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
