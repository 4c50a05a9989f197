"""``sekit gate``."""

from __future__ import annotations

from pathlib import Path

import click

from sekit_cli.options import config_option, format_option, quiet_option


@click.command(short_help="Run the checks and block or pass a deployment.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(path_type=Path),
    default=None,
    metavar="PATH",
    help="Evaluate the gates on a saved report instead of running the checks.",
)
@click.option(
    "--engine",
    type=click.Choice(["native", "deepchecks", "all"]),
    default=None,
    help="Engine for the data and model checks (default: [checks].engine).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    metavar="SECONDS",
    help="Time limit per check (default: [checks].timeout).",
)
@click.option("--verbose", "-v", is_flag=True, help="Show every finding, info included.")
@format_option("table", "json", "markdown", "junit")
@config_option
@quiet_option
def gate(
    report_path: Path | None,
    engine: str | None,
    timeout: float | None,
    verbose: bool,
    fmt: str,
    config_path: Path | None,
    quiet: bool,
) -> int:
    """Run every configured check, evaluate [gates], and exit 1 to block a deployment.

    The verdict fails when a check ends fail or error, when a metric misses its
    bound, or when a gated metric was not produced at all (fail closed). Use it as
    the last step of CI, before deploying.

    \b
    Examples:
      sekit gate                             # in CI: exit 1 blocks the deploy job
      sekit gate --report .sekit/report.json # re-evaluate gates, run nothing
      sekit gate --format junit > sekit-junit.xml
    """
    from sekit.checks.context import RunOptions
    from sekit.config.loader import load_config
    from sekit.gate import regate
    from sekit.report import load_report
    from sekit.runner import run
    from sekit_cli.output import emit
    from sekit_cli.render.console import console
    from sekit_cli.render.progress import progress_display

    config = load_config(config_path)
    if not config.gates and not quiet:
        click.echo(
            "sekit: note: no [gates] in the config; only the checks' statuses decide", err=True
        )
    if report_path is not None:
        report = regate(load_report(report_path), config)
    else:
        options = RunOptions(engine=engine or config.checks.engine)
        with progress_display(console(stderr=True), quiet=quiet) as progress:
            report = run(config, gate=True, options=options, timeout=timeout, progress=progress)
    return emit(report, fmt=fmt, gates=True, quiet=quiet, verbose=verbose)
