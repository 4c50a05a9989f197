"""``sekit up``."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import click


@click.command(
    short_help="Run the system's services here, without Docker.",
    context_settings={"ignore_unknown_options": True},
)
@click.option(
    "--file",
    "compose",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE",
    help="The Compose file (default: compose.yaml in the project's folder).",
)
@click.option(
    "--for",
    "duration",
    default=None,
    metavar="DURATION",
    help="Stop after this long (e.g. 30s, 5m); default: until Ctrl-C or the command ends.",
)
@click.option("--check", is_flag=True, help="Only validate compose.yaml and the local run.")
@click.argument("command", nargs=-1, type=click.UNPROCESSED)
def up(compose: Path | None, duration: str | None, check: bool, command: tuple[str, ...]) -> int:
    """Start the services of compose.yaml that say how to run without Docker (x-sekit), on
    127.0.0.1, in depends_on order, each healthy before the next; stop them all when it ends.

    With a COMMAND after --, run it while the system is up (its environment has
    SEKIT_UP_<SERVICE>_URL for each service) and exit with its exit code. compose.yaml is
    validated against the Compose Specification first, and its ports and health checks
    against the local run's (exit 2 when they differ). A service that listens on an
    address other than loopback (read from its sockets) stops the system (exit 2).

    \b
    Examples:
      sekit up                               # until Ctrl-C
      sekit up --check                       # validate only
      sekit up --for 10m
      sekit up -- pytest tests/e2e           # the end-to-end tests against the running system
    """
    from sekit.config.values import parse_duration
    from sekit.errors import InputError, ServiceError, UsageError
    from sekit.system import missing, problems, read
    from sekit.system import up as start

    path = (compose or Path("compose.yaml")).resolve()
    system = read(path)
    found = problems(system)
    if found:
        raise InputError(path, "; ".join(found))
    for name, why in system.docker_only.items():
        click.echo(f"{name}: not started here ({why})")
    if check:
        absent = [why for why in map(missing, system.services) if why is not None]
        if absent:
            raise ServiceError("; ".join(absent))
        names = ", ".join(s.name for s in system.services)
        click.echo(
            f"{path.name}: valid; runs here: {names or 'nothing'} (each service's sockets are "
            "checked for loopback when it starts)"
        )
        return 0
    seconds = None
    if duration is not None:
        try:
            seconds = parse_duration(duration)
        except ValueError as exc:
            raise UsageError(f"--for {duration}: {exc}") from None
    with start(system, path.parent) as running:
        for name, url in running.urls.items():
            click.echo(f"{name}: {url}")
        if command:
            env = {
                **os.environ,
                **{
                    f"SEKIT_UP_{n.upper().replace('-', '_')}_URL": u
                    for n, u in running.urls.items()
                },
            }
            return subprocess.run(list(command), cwd=path.parent, env=env, check=False).returncode
        click.echo("up; Ctrl-C stops every service" if seconds is None else f"up for {duration}")
        deadline = None if seconds is None else time.monotonic() + seconds
        while deadline is None or time.monotonic() < deadline:
            for name, process in running.processes.items():
                if process.poll() is not None:
                    click.echo(f"{name} exited with {process.returncode}", err=True)
                    return 1
            time.sleep(0.5)
    return 0
