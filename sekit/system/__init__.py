"""The system's services, from ``compose.yaml``, run here without Docker (``sekit up``).

``compose.yaml`` is the one description of the system: its services, their published ports,
environment, health checks and start order (``depends_on``). It is validated against the
Compose Specification's JSON Schema (vendored here from compose-spec, Apache-2.0: no network).
A service that can also run without Docker says how in the extension field ``x-sekit``::

    services:
      model:
        build: .
        ports: ["8000:8000"]
        healthcheck:
          test: ["CMD", "python", "-c", "...urlopen('http://127.0.0.1:8000/health')"]
        x-sekit:
          command: uvicorn demo.serve:app --host 127.0.0.1 --port 8000
          health: /health          # default; polled on the published port
          # install: apt-get install prometheus   # shown when the program is missing

``sekit up`` starts those services on 127.0.0.1, in ``depends_on`` order, each once the ones
it depends on answer their health URL, and stops them all when it ends: their process groups
and every process descended from them, also one that left its group (``setsid``; see
:mod:`sekit.processes`). The project's ``src/`` is on ``PYTHONPATH``, as in the image. What
differs from Docker is rewritten, never guessed: ``<service>:<port>`` (a service's name and
container port, as containers reach each other) becomes ``127.0.0.1:<published port>`` in the
environment and in the files the service lists under ``x-sekit.files`` (files of the project,
copied to ``.sekit/up/``; ``{up}`` in the command is that folder). Services without
``x-sekit`` (an image with no Debian package, such as Grafana) are Docker only: listed, not
started. While the system is up, ``.sekit/up/state.json`` says where it runs and with which
admin token (:mod:`sekit.system.state`): ``sekit retrain`` finds the service to switch there.

**Loopback, checked on the sockets.** Once a service answers its health URL, the TCP sockets
its processes listen on are read from ``/proc`` (:mod:`.sockets`); one on an address other than
loopback (``python -m http.server 8000`` binds every address without saying so) stops the
system with an error naming the service and the address. :func:`problems` is the check of the
files alone (``sekit up --check``): every local service's port must be published in
compose.yaml, its command must not say it binds every address, and its compose health check
must test the same path on the same port.
"""

from __future__ import annotations

import os
import shlex
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sekit.errors import InputError, ServiceError
from sekit.system.compose import (
    SCHEMA,
    Service,
    System,
    XSekit,
    local,
    missing,
    ports,
    problems,
    read,
)

__all__ = [
    "SCHEMA",
    "Running",
    "Service",
    "System",
    "XSekit",
    "missing",
    "problems",
    "read",
    "up",
]


@dataclass
class Running:
    system: System
    urls: dict[str, str]  # service -> its local URL
    processes: dict[str, Any]


@contextmanager
def up(system: System, root: Path, *, logs: Path | None = None) -> Iterator[Running]:
    """Start the local services in order, each healthy (and listening on loopback only)
    before the next; stop them all, and everything they started, at the end, whatever
    happens."""
    from sekit import processes
    from sekit.net import check_loopback
    from sekit.system import state

    tokens = state.admin_tokens({s.name: s.environment for s in system.services})
    folder = root / ".sekit" / "up"
    folder.mkdir(parents=True, exist_ok=True)
    logs = logs or folder
    published = {
        name: ports(system.path, name, body)
        for name, body in (system.document.get("services") or {}).items()
    }
    running = Running(system, {}, {})
    try:
        for service in system.services:
            check_loopback(service.url, allow_remote=False, what=f"{service.name}'s port")
            _free(service)
            _copy_files(service, root, folder, published)
            argv = _resolved(service, folder)
            env = {**os.environ, **service.environment, "PYTHONUNBUFFERED": "1"}
            if service.name in tokens:
                env[state.ADMIN] = tokens[service.name]
            if (root / "src").is_dir():  # the project's package, installed or not
                env["PYTHONPATH"] = os.pathsep.join(
                    p for p in (str(root / "src"), env.get("PYTHONPATH", "")) if p
                )
            env.pop("SEKIT_LOAD_TEST", None)
            log_path = logs / f"{service.name}.log"
            with log_path.open("wb") as log:
                process = processes.spawn(argv, cwd=root, log=log, env=env)
            running.processes[service.name] = process
            _wait(service, process, log_path)
            _loopback_only(service, process)
            running.urls[service.name] = service.url
        state.write(
            root,
            {
                s.name: (
                    s.url,
                    running.processes[s.name].pid,
                    tokens.get(s.name) or s.environment.get(state.ADMIN),
                )
                for s in system.services
            },
        )
        yield running
    finally:
        state.remove(root)
        for name in reversed(list(running.processes)):
            processes.stop(running.processes[name])


def _copy_files(
    service: Service, root: Path, folder: Path, published: dict[str, list[tuple[int, int]]]
) -> None:
    """The service's ``x-sekit.files``, with service names rewritten, into ``folder``: only
    files of the project, only into the folder (a link pointing out is refused too)."""
    for name in service.files:
        source, target = root / name, folder / name
        key = f"services.{service.name}.x-sekit.files"
        if not source.resolve().is_relative_to(root.resolve()):
            raise InputError(source, "is outside the project's folder", key=key)
        if not target.resolve().is_relative_to(folder.resolve()):
            raise InputError(target, "would be written outside .sekit/up/", key=key)
        if not source.is_file():
            raise InputError(source, "no such file", key=key)
        try:
            text = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(source, f"cannot read it as text ({exc})", key=key) from None
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(local(text, published), encoding="utf-8")


def _free(service: Service) -> None:
    """The service's port must be free: otherwise its health check would be answered by
    whatever holds the port (another system, an old run), and the run would test that."""
    import socket

    with socket.socket() as probe:
        # as a server binds: a port whose last connections are closing is free, a listener not
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", service.port))
        except OSError:
            raise ServiceError(
                f"{service.name}: port {service.port} on 127.0.0.1 is already in use",
                hint="stop what holds it (another `sekit up`?) or publish another port in "
                "compose.yaml",
            ) from None


def _resolved(service: Service, folder: Path) -> list[str]:
    from sekit.processes import resolve

    why = missing(service)
    if why is not None:
        raise ServiceError(why)
    argv = shlex.split(service.command.replace("{up}", str(folder)))
    return resolve(argv, what=f"{service.name}'s x-sekit.command")


def _wait(service: Service, process: Any, log: Path) -> None:
    import httpx

    from sekit.net import http, join

    url = join(service.url, service.health, what=f"services.{service.name}.x-sekit.health")
    deadline = time.monotonic() + service.startup
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if http.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    state = (
        f"exited with {process.returncode}"
        if process.poll() is not None
        else f"was not healthy after {service.startup:g} s"
    )
    tail = log.read_text(encoding="utf-8", errors="replace")[-4000:] if log.exists() else ""
    last = next((line.strip() for line in reversed(tail.splitlines()) if line.strip()), "")
    raise ServiceError(
        f"{service.name} {state} ({url}); its log is {log}"
        + (f", ending: {last[:160]}" if last else ", empty"),
        hint="--debug shows the log's end",
        details=tail,
    )


def _loopback_only(service: Service, process: Any) -> None:
    """Every TCP socket the service's processes listen on is on a loopback address."""
    from sekit.processes import descendants
    from sekit.system.sockets import listening

    wide = [s for s in listening(descendants(process)) if not s.loopback]
    if wide:
        shown = ", ".join(str(s) for s in wide)
        raise ServiceError(
            f"{service.name} listens on {shown}, not only on loopback: anyone on the network "
            "could call it",
            hint=f"bind 127.0.0.1 in services.{service.name}.x-sekit.command",
        )
