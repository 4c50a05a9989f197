"""``sekit check [SUITE]``."""

from __future__ import annotations

from pathlib import Path

import click

from sekit_cli.options import config_option, format_option, quiet_option

SUITES = ("data", "model", "load", "release", "monitor")


@click.command(short_help="Run data, model, load and release checks.")
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
@click.option(
    "--url",
    "urls",
    multiple=True,
    help="Load-test a service that is already running; for release, twice: the deployed "
    "model's service, then the new one's.",
)
@click.option(
    "--fault",
    type=click.Choice(["model-error", "model-slow"]),
    default=None,
    help="Inject a failing or slow model into the service (load.fallback).",
)
@click.option(
    "--log",
    "log_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="monitor: the prediction log to judge (default: [monitor].log, else [data].production).",
)
@click.option(
    "--prometheus",
    default=None,
    metavar="URL",
    help="monitor: read availability, latency, errors and feedback from this Prometheus server.",
)
@click.option(
    "--allow-remote", is_flag=True, help="Allow a --url that is not on this machine (loopback)."
)
@click.option(
    "--processes",
    type=click.IntRange(min=1),
    default=None,
    help="Locust processes on this machine (default: [load].processes).",
)
@click.option(
    "--master",
    is_flag=True,
    help="Run Locust's master; workers join with `sekit check load --worker`.",
)
@click.option(
    "--expect-workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Workers the master waits for.",
)
@click.option(
    "--master-bind",
    default="127.0.0.1",
    show_default=True,
    help="Address the master listens on (other than loopback: --allow-remote).",
)
@click.option(
    "--master-port",
    type=click.IntRange(1, 65535),
    default=5557,
    show_default=True,
    help="Port of the master.",
)
@click.option("--worker", is_flag=True, help="Run a Locust worker for a sekit master.")
@click.option(
    "--master-host",
    default="127.0.0.1",
    show_default=True,
    help="The master a --worker connects to.",
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
    urls: tuple[str, ...],
    fault: str | None,
    log_path: Path | None,
    prometheus: str | None,
    allow_remote: bool,
    processes: int | None,
    master: bool,
    expect_workers: int,
    master_bind: str,
    master_port: int,
    worker: bool,
    master_host: str,
    list_only: bool,
    verbose: bool,
    fmt: str,
    config_path: Path | None,
    quiet: bool,
) -> int:
    """Run the checks of SUITE (data, model, load, release or monitor), or of every configured
    suite.

    The report is saved to .sekit/report.json (atomically) and printed. Checks that
    error (bad input, a crash, a timeout) never pass.

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
      sekit check monitor --log logs/load-test.jsonl --prometheus http://127.0.0.1:9090
      sekit check load --master --expect-workers 2     # then, twice:
      sekit check load --worker --master-host 127.0.0.1
    """
    from sekit.checks.context import RunOptions
    from sekit.config.loader import load_config
    from sekit.runner import run, select_checks
    from sekit_cli.output import emit
    from sekit_cli.render.console import console
    from sekit_cli.render.progress import progress_display

    config = load_config(config_path)
    if worker:
        from sekit.checks.load import run_worker

        if suite != "load":
            raise click.UsageError("--worker only applies to `sekit check load`")
        return run_worker(
            config, master_host=master_host, master_port=master_port, allow_remote=allow_remote
        )
    if len(urls) > 1 and suite != "release":
        raise click.UsageError("--url is given once, except for `sekit check release` (twice)")
    if suite == "release" and len(urls) not in (0, 2):
        raise click.UsageError(
            "sekit check release takes --url twice (the deployed model's service, then the new "
            "one's), or none to start [service] once per model"
        )
    extra: dict[str, object] = {"fault": fault} if fault else {}
    if suite == "release" and urls:
        extra["urls"] = urls
    if (log_path or prometheus) and suite != "monitor":
        raise click.UsageError("--log and --prometheus only apply to `sekit check monitor`")
    if log_path:
        extra["log"] = log_path.resolve()
    if prometheus:
        from sekit.checks.load.service import check_loopback

        extra["prometheus"] = check_loopback(prometheus, allow_remote=allow_remote)
    options = RunOptions(
        engine=engine or config.checks.engine,
        url=urls[0] if urls and suite != "release" else None,
        allow_remote=allow_remote,
        processes=processes,
        master=master,
        expect_workers=expect_workers if master else 0,
        master_bind=master_bind,
        master_port=master_port,
        extra=extra,
    )
    if fault and suite not in (None, "load"):
        raise click.UsageError("--fault only applies to `sekit check load`")
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
