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

``sekit up`` starts those services on 127.0.0.1, in ``depends_on`` order, each once the ones
it depends on answer their health URL, and stops them all (their process groups) when it
ends; the project's ``src/`` is on ``PYTHONPATH``, as in the image. What differs from Docker
is rewritten, never guessed: ``<service>:<port>`` (a service's name and container port, as
containers reach each other) becomes ``127.0.0.1:<published port>`` in the environment and
in the files the service lists under ``x-sekit.files`` (copied to ``.sekit/up/``; ``{up}``
in the command is that folder). Services without ``x-sekit`` (an image with no Debian
package, such as Grafana) are Docker only: listed, not started. While the system is up,
``.sekit/up/state.json`` says where it runs and with which admin token
(:mod:`sekit.system.state`): ``sekit retrain`` finds the service to switch there.

:func:`problems` is what keeps the two worlds the same: every local service's port must be
published in compose.yaml, its command must bind 127.0.0.1, and its compose health check must
test the same path on the same port.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sekit.errors import InputError

SCHEMA = Path(__file__).with_name("compose-spec.json")


@dataclass(frozen=True)
class Service:
    name: str
    command: str  # as written, with {up}
    port: int  # the published (host) port
    container_port: int
    health: str  # a path on the port
    environment: dict[str, str]
    depends_on: tuple[str, ...]
    files: tuple[str, ...]
    startup: float

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass(frozen=True)
class System:
    path: Path
    services: list[Service]  # the local ones, in start order
    docker_only: dict[str, str]  # name -> why it is not started here
    document: dict[str, Any] = field(repr=False)


def read(path: Path) -> System:
    """compose.yaml, validated against the Compose Specification, as local services."""
    import yaml

    if not path.is_file():
        raise InputError(path, "no such file", hint="sekit new scaffolds a compose.yaml")
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputError(path, f"not valid YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(document, dict):
        raise InputError(path, "not a Compose file (a mapping with services)")
    _validate(path, document)
    services = document.get("services") or {}
    published = {name: _ports(body) for name, body in services.items()}
    local: dict[str, Service] = {}
    docker_only: dict[str, str] = {}
    for name, body in services.items():
        extension = body.get("x-sekit")
        if not isinstance(extension, dict) or not extension.get("command"):
            docker_only[name] = "no x-sekit.command: runs with Docker only"
            continue
        ports = published[name]
        if not ports:
            raise InputError(path, f"service {name!r} publishes no port", key=f"services.{name}")
        host, container = ports[0]
        local[name] = Service(
            name=name,
            command=str(extension["command"]),
            port=int(extension.get("port", host)),
            container_port=container,
            health=str(extension.get("health", "/health")),
            environment={
                key: _local(str(value), published)
                for key, value in _environment(body.get("environment")).items()
            },
            depends_on=_depends(body.get("depends_on")),
            files=tuple(str(f) for f in extension.get("files", [])),
            startup=float(extension.get("startup", 60)),
        )
    return System(path, _ordered(path, local), docker_only, document)


def _validate(path: Path, document: dict[str, Any]) -> None:
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    errors = sorted(
        jsonschema.Draft202012Validator(schema).iter_errors(document), key=lambda e: e.path
    )
    if errors:
        first = errors[0]
        where = ".".join(str(p) for p in first.absolute_path) or "(top)"
        raise InputError(
            path, f"not valid against the Compose Specification at {where}: {first.message}"
        )


def _ports(body: dict[str, Any]) -> list[tuple[int, int]]:
    """(published, container) pairs; ``"8000:8000"``, ``"127.0.0.1:8000:8000"`` or the long
    form."""
    found = []
    for port in body.get("ports") or []:
        if isinstance(port, dict):
            if "published" in port:
                found.append((int(port["published"]), int(port["target"])))
            continue
        parts = str(port).split("/")[0].split(":")
        if len(parts) >= 2:
            found.append((int(parts[-2]), int(parts[-1])))
    return found


def _environment(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): "" if v is None else _interpolated(str(v)) for k, v in value.items()}
    found = {}
    for item in value or []:
        key, _, rest = str(item).partition("=")
        found[key] = _interpolated(rest)
    return found


def _interpolated(text: str) -> str:
    """``${VAR}``, ``${VAR:-default}`` and ``${VAR-default}`` as Compose reads them."""

    def value(match: re.Match[str]) -> str:
        name, colon, default = match.group(1), match.group(2), match.group(3) or ""
        current = os.environ.get(name)
        if current is None or (colon and current == ""):
            return default
        return current

    return re.sub(r"\$\{(\w+)(?:(:?)-([^}]*))?\}", value, text)


def _local(text: str, published: dict[str, list[tuple[int, int]]]) -> str:
    """``model:8000`` (how containers reach each other) -> ``127.0.0.1:<published port>``."""
    for name, ports in published.items():
        for host, container in ports:
            text = re.sub(rf"(?<![\w.-]){re.escape(name)}:{container}\b", f"127.0.0.1:{host}", text)
    return text


def _depends(value: Any) -> tuple[str, ...]:
    if isinstance(value, dict):
        return tuple(str(k) for k in value)
    return tuple(str(v) for v in value or [])


def _ordered(path: Path, services: dict[str, Service]) -> list[Service]:
    ordered: list[Service] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if any(s.name == name for s in ordered) or name not in services:
            return
        if name in visiting:
            raise InputError(path, f"depends_on makes a circle through {name!r}")
        visiting.add(name)
        for needed in services[name].depends_on:
            visit(needed)
        visiting.discard(name)
        ordered.append(services[name])

    for name in services:
        visit(name)
    return ordered


def problems(system: System) -> list[str]:
    """Where compose.yaml and the local run would differ."""
    found = []
    services = system.document.get("services") or {}
    for service in system.services:
        body = services[service.name]
        if (service.port, service.container_port) not in _ports(body):
            found.append(f"{service.name}: port {service.port} is not published in compose.yaml")
        argv = shlex.split(service.command)
        if "0.0.0.0" in argv or any(a.endswith("0.0.0.0") for a in argv):
            found.append(f"{service.name}: x-sekit.command binds 0.0.0.0; bind 127.0.0.1")
        check = body.get("healthcheck") or {}
        test = check.get("test")
        text = " ".join(test) if isinstance(test, list) else str(test or "")
        if f":{service.container_port}{service.health}" not in text:
            found.append(
                f"{service.name}: the compose health check does not test "
                f":{service.container_port}{service.health} (x-sekit.health)"
            )
    return found


@dataclass
class Running:
    system: System
    urls: dict[str, str]  # service -> its local URL
    processes: dict[str, Any]


@contextmanager
def up(system: System, root: Path, *, logs: Path | None = None) -> Iterator[Running]:
    """Start the local services in order, each healthy before the next; stop them all at
    the end, whatever happens."""
    from sekit import processes
    from sekit.net import check_loopback
    from sekit.system import state

    tokens = state.admin_tokens({s.name: s.environment for s in system.services})
    folder = root / ".sekit" / "up"
    folder.mkdir(parents=True, exist_ok=True)
    logs = logs or folder
    published = {
        name: _ports(body) for name, body in (system.document.get("services") or {}).items()
    }
    running = Running(system, {}, {})
    try:
        for service in system.services:
            check_loopback(service.url, allow_remote=False, what=f"{service.name}'s port")
            _free(service)
            for name in service.files:
                source, target = root / name, folder / name
                if not source.is_file():
                    raise InputError(
                        source, f"named by {service.name}'s x-sekit.files: no such file"
                    )
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(_local(source.read_text(encoding="utf-8"), published))
            argv = shlex.split(service.command.replace("{up}", str(folder)))
            env = {**os.environ, **service.environment, "PYTHONUNBUFFERED": "1"}
            if service.name in tokens:
                env[state.ADMIN] = tokens[service.name]
            if (root / "src").is_dir():  # the project's package, installed or not
                env["PYTHONPATH"] = os.pathsep.join(
                    p for p in (str(root / "src"), env.get("PYTHONPATH", "")) if p
                )
            env.pop("SEKIT_LOAD_TEST", None)
            resolved = _resolved(argv, service, root)
            with (logs / f"{service.name}.log").open("wb") as log:
                process = processes.spawn(resolved, cwd=root, log=log, env=env)
            running.processes[service.name] = process
            _wait(service, process, logs / f"{service.name}.log")
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


def _free(service: Service) -> None:
    """The service's port must be free: otherwise its health check would be answered by
    whatever holds the port (another system, an old run), and the run would test that."""
    import socket

    from sekit.errors import ServiceError

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


def _resolved(argv: Sequence[str], service: Service, root: Path) -> list[str]:
    from sekit.processes import resolve

    if not argv:
        raise InputError(root / "compose.yaml", f"{service.name}: x-sekit.command is empty")
    return resolve(list(argv), what=f"{service.name}'s x-sekit.command")


def _wait(service: Service, process: Any, log: Path) -> None:
    import httpx

    from sekit.errors import ServiceError

    deadline = time.monotonic() + service.startup
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            if httpx.get(service.url + service.health, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    tail = log.read_text(errors="replace")[-800:] if log.exists() else ""
    state = "exited" if process.poll() is not None else f"not healthy after {service.startup:g} s"
    raise ServiceError(
        f"{service.name} {state} ({service.url}{service.health}); its log ends:\n{tail}"
    )
