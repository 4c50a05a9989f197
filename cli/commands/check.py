"""``sekit check [SUITE]``: the suites, their names and their options come from their
declarations (:mod:`sekit.checks`), so an installed plugin suite appears here by itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from sekit.checks import suites
from sekit_cli.options import config_option, format_option, quiet_option, suite_options


@click.command(short_help="Run the checks of every configured suite, or of one.")
@click.argument("suite", required=False, type=click.Choice(list(suites())))
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
@click.option(
    "--url",
    "urls",
    multiple=True,
    help="Check a service that is already running (load); twice for release: the deployed "
    "model's service, then the new one's.",
)
@click.option(
    "--allow-remote", is_flag=True, help="Allow a --url or address that is not on this machine."
)
@click.option(
    "--record",
    is_flag=True,
    help="Call the model endpoint and write [model].cassette (without it, a configured "
    "cassette is replayed: no network, no key).",
)
@suite_options
@click.option("--list", "list_only", is_flag=True, help="List the checks that would run.")
@click.option("--verbose", "-v", is_flag=True, help="Show every finding, info included.")
@format_option("table", "json", "markdown", "junit")
@config_option
@quiet_option
def check(
    suite: str | None,
    engine: str | None,
    timeout: float | None,
    urls: tuple[str, ...],
    allow_remote: bool,
    record: bool,
    list_only: bool,
    verbose: bool,
    fmt: str,
    config_path: Path | None,
    quiet: bool,
    **given: Any,
) -> int:
    """Run the checks of SUITE, or of every suite the config enables.

    The report is saved to .sekit/report.json (atomically) and printed. Checks that
    error (bad input, a crash, a timeout) never pass. `sekit check --list` names the
    checks that would run; each suite's own options apply to that suite only.

    \b
    Examples:
      sekit check                   # every suite the config enables
      sekit check data --format markdown
      sekit check model --engine all
      sekit check load --url http://127.0.0.1:8000
      sekit check load --processes 2
      sekit check load --fault model-slow              # does the fallback answer in time?
      sekit check release                              # new model beside [model].baseline
      sekit check release --url http://127.0.0.1:8000 --url http://127.0.0.1:8001
      sekit check monitor                              # the service as it ran, per hour
      sekit check experiment                           # the A/B run in the log: decide
      sekit check monitor --log logs/load-test.jsonl --prometheus http://127.0.0.1:9090
      sekit check model --record                       # call the endpoint, write its cassette
      sekit check load --master --expect-workers 2     # then, twice:
      sekit check load --worker --master-host 127.0.0.1
    """
    from sekit.config.loader import load_config
    from sekit.runner import instead, run, run_options, select_checks
    from sekit_cli.output import emit
    from sekit_cli.render.console import console
    from sekit_cli.render.progress import progress_display

    config = load_config(config_path)
    options = run_options(
        suite=suite,
        engine=engine or config.checks.engine,
        urls=urls,
        allow_remote=allow_remote,
        record=record,
        given=given,
    )
    code = instead(config, suite, options)
    if code is not None:
        return code
    suites_run = [suite] if suite else None
    if list_only:
        for item in select_checks(config, suites_run, options.engine):
            click.echo(f"{item.id:36} {item.engine:10} {item.title}")
        return 0
    with progress_display(console(stderr=True), quiet=quiet) as progress:
        report = run(
            config,
            suites=suites_run,
            gate=False,
            options=options,
            timeout=timeout,
            progress=progress,
        )
    return emit(report, fmt=fmt, gates=False, quiet=quiet, verbose=verbose)
