"""``sekit check [SUITE]``."""

from __future__ import annotations

from pathlib import Path

import click

from sekit_cli.options import config_option, format_option, quiet_option

SUITES = ("data", "model", "load")


@click.command(short_help="Run data, model and load checks.")
@click.argument("suite", required=False, type=click.Choice(SUITES))
@click.option(
    "--engine",
    type=click.Choice(["native", "deepchecks", "all"]),
    default=None,
    help="Which engine runs the data and model checks (default: [checks].engine, "
    "else native). deepchecks needs: pip install 'sekit-ml[deepchecks]'.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    metavar="SECONDS",
    help="Time limit per check (default: [checks].timeout, 600 s).",
)
@click.option("--url", default=None, help="Load-test a service that is already running.")
@click.option(
    "--allow-remote", is_flag=True, help="Allow a --url that is not on this machine (loopback)."
)
@click.option("--list", "list_only", is_flag=True, help="List the checks that would run.")
@click.option("--verbose", "-v", is_flag=True, help="Show every finding, info included.")
@format_option("table", "json", "markdown", "junit")
@config_option
@quiet_option
def check(
    suite: str | None,
    engine: str | None,
    timeout: float | None,
    url: str | None,
    allow_remote: bool,
    list_only: bool,
    verbose: bool,
    fmt: str,
    config_path: Path | None,
    quiet: bool,
) -> int:
    """Run the checks of SUITE (data, model or load), or of every configured suite.

    The report is saved to .sekit/report.json (atomically) and printed. Checks that
    error (bad input, a crash, a timeout) never pass.

    \b
    Examples:
      sekit check                   # every suite the config enables
      sekit check data --format markdown
      sekit check model --engine all
      sekit check load --url http://127.0.0.1:8000
    """
    from sekit.checks.context import RunOptions
    from sekit.config.loader import load_config
    from sekit.runner import run, select_checks
    from sekit_cli.output import emit
    from sekit_cli.render.console import console
    from sekit_cli.render.progress import progress_display

    config = load_config(config_path)
    options = RunOptions(engine=engine or config.checks.engine, url=url, allow_remote=allow_remote)
    suites = [suite] if suite else None
    if list_only:
        for item in select_checks(config, suites, options.engine):
            click.echo(f"{item.id:36} {item.engine:10} {item.title}")
        return 0
    with progress_display(console(stderr=True), quiet=quiet) as progress:
        report = run(
            config, suites=suites, gate=False, options=options, timeout=timeout, progress=progress
        )
    return emit(report, fmt=fmt, gates=False, quiet=quiet, verbose=verbose)
