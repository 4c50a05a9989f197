"""Starting the project's HTTP service from ``[service].command`` and waiting until it is healthy.

The command runs in the config file's folder, with ``{port}`` replaced by a free port on
127.0.0.1, in its own process group, its output in ``.sekit/service.log``. It is split like a
shell would split it (``shlex``) but not run through a shell: pipes and ``&&`` do not work; use
a script. An executable that is not on ``PATH`` is also looked for next to the running Python
(the virtual environment's ``bin/``). The service gets ``PORT`` and ``SEKIT_LOAD_TEST=1`` in
its environment, so it can keep synthetic traffic out of its monitoring log.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sekit import processes, threads
from sekit.config.schema import Service
from sekit.errors import ServiceError
from sekit.net import check_loopback


class ServiceDown(Exception):
    """The service never became healthy, or died: a finding, not a usage error."""

    def __init__(self, message: str, log_tail: list[str]) -> None:
        super().__init__(message)
        self.message = message
        self.log_tail = log_tail


@dataclass
class RunningService:
    """A service under test: its URL, the process sekit started (``None`` for one given by
    ``--url``) and the file its output goes to."""

    url: str
    process: subprocess.Popen[bytes] | None  # None for a service sekit did not start
    log: Path | None
    allow_remote: bool = False  # a --url off this machine, allowed by --allow-remote

    def alive(self) -> bool:
        """The process has not exited (a service sekit did not start counts as alive)."""
        return self.process is None or self.process.poll() is None

    def tail(self, lines: int = 15) -> list[str]:
        """The last non-empty lines of the service's output."""
        return tail(self.log, lines) if self.log is not None else []


class PortTaken(ServiceError):
    """The service could not listen on its port: another process holds it."""


def free_port() -> int:
    """A port on 127.0.0.1 that is free now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def tail(path: Path, lines: int = 15) -> list[str]:
    """The last non-empty lines of a file (none when it cannot be read)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [line for line in text.splitlines() if line.strip()][-lines:]


def resolve_command(command: str, port: int) -> list[str]:
    """``[service].command`` as an argument list, ``{port}`` filled in, the executable found on
    ``PATH`` or beside the running Python; a :class:`~sekit.errors.ServiceError` if unusable."""
    try:
        argv = shlex.split(command.replace("{port}", str(port)))
    except ValueError as exc:
        raise ServiceError(f"[service].command cannot be split into words: {exc}") from None
    if not argv:
        raise ServiceError("[service].command is empty")
    return processes.resolve(argv, what="[service].command")


def healthy(url: str, path: str, timeout: float = 2.0, *, allow_remote: bool = False) -> bool:
    """The service answers ``path`` (``[service].health``) with a status below 400 in time."""
    import httpx

    from sekit.net import http, join

    target = join(url, path, what="[service].health")
    try:
        return http.get(target, timeout=timeout, allow_remote=allow_remote).status_code < 400
    except httpx.HTTPError:
        return False


def wait_healthy(service: RunningService, path: str, limit: float) -> None:
    """Wait up to ``limit`` seconds until the service is healthy; a
    :class:`~sekit.errors.ServiceError` (with its output's last lines) when it exits or never is."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if not service.alive():
            code = service.process.returncode if service.process is not None else None
            lines = service.tail()
            taken = any("address already in use" in line.lower() for line in lines)
            if taken:
                port = urlsplit(service.url).port
                raise PortTaken(
                    f"port {port} on 127.0.0.1 is taken; the service could not listen on it",
                    hint="stop what holds the port, then retry",
                )
            raise ServiceDown(
                f"the service exited with code {code} before it became healthy", lines
            )
        if healthy(service.url, path, allow_remote=service.allow_remote):
            return
        time.sleep(0.2)
    raise ServiceDown(
        f"the service did not answer {path} within {limit:g}s ([service].startup_timeout)",
        service.tail(),
    )


@contextlib.contextmanager
def started(
    config: Service,
    *,
    root: Path,
    workdir: Path,
    env: dict[str, str] | None = None,
    log_name: str = "service.log",
) -> Iterator[RunningService]:
    """Start the service, wait until healthy, yield it, and always stop it (and its children).
    ``env`` adds to its environment (``SEKIT_MODEL_PATH`` for a fault or a release)."""
    # SEKIT_LOAD_TEST tells the service its traffic is synthetic (keep it out of monitoring).
    extra = env or {}
    log_path = workdir / log_name
    # A free port can be taken between the probe and the service's bind (another test, another
    # service starting): then the service is started again on another port, up to three times.
    # A command without {port} listens where it says, and the error stands at once.
    attempts = 3 if "{port}" in config.command else 1
    for attempt in range(attempts):
        port = free_port()
        argv = resolve_command(config.command, port)
        given = {**os.environ, **config.env, **extra}
        environment = {
            **os.environ,
            "PYTHONDONTWRITEBYTECODE": "1",  # a check leaves no __pycache__ in the project
            # the team's model with one thread per native pool, as in sekit (sekit.threads)
            **threads.service_environment(given),
            **config.env,
            **extra,
            "PYTHONUNBUFFERED": "1",
            "PORT": str(port),
            "SEKIT_LOAD_TEST": "1",
        }
        with log_path.open("wb") as log:
            process = processes.spawn(argv, cwd=root, log=log, env=environment)
        service = RunningService(f"http://127.0.0.1:{port}", process, log_path)
        try:
            wait_healthy(service, config.health, config.startup_timeout)
        except PortTaken:
            processes.stop(process)
            if attempt + 1 == attempts:
                raise
            continue
        except BaseException:
            processes.stop(process)
            raise
        break
    try:
        yield service
    finally:
        processes.stop(process)


@contextlib.contextmanager
def external(url: str, health: str, *, allow_remote: bool) -> Iterator[RunningService]:
    """A service that already runs at ``url`` (``--url``)."""
    service = RunningService(
        check_loopback(url, allow_remote=allow_remote), None, None, allow_remote
    )
    if not healthy(service.url, health, allow_remote=allow_remote):
        raise ServiceDown(f"{service.url}{health} does not answer with success", [])
    yield service
