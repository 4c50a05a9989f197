"""``compose.yaml`` read as the services ``sekit up`` runs: validated against the Compose
Specification, then each ``x-sekit`` table against its own keys (a wrong value exits 2 naming
``services.<name>.x-sekit.<key>``, never a crash), ``depends_on`` against the services that
exist, ``files`` against the project's folder."""

from __future__ import annotations

import json
import os
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator

from sekit.config.values import Duration, Section
from sekit.errors import InputError

SCHEMA = Path(__file__).with_name("compose-spec.json")

# What "every address" is spelt like on a command line (host flags, host:port values)
_EVERY_ADDRESS = {"0.0.0.0", "::", "[::]", "*", "", "0"}
_HOST_FLAGS = {"--host", "--bind", "-b", "-H", "--listen", "--address", "--addr", "--ip"}


class XSekit(Section):
    """The keys of a service's ``x-sekit`` table."""

    command: str = Field(min_length=1, description="how the service runs here, without Docker")
    port: int | None = Field(
        None, ge=1, le=65535, description="the published port it listens on (default: the first)"
    )
    health: str = Field(
        "/health", pattern=r"^/[^\s\\]*$", description="a path on the port answering 200"
    )
    files: list[str] = Field(
        default_factory=list,
        description="files (in the project) copied to .sekit/up/ with service names rewritten",
    )
    startup: Duration = Field(60.0, gt=0, le=3600, description="how long it may take to be healthy")
    install: str | None = Field(
        None, description="how to install the command's program, shown when it is missing"
    )

    @field_validator("command")
    @classmethod
    def _words(cls, command: str) -> str:
        try:
            if not shlex.split(command):
                raise ValueError("the command is empty")
        except ValueError as exc:
            raise ValueError(f"not a command line ({exc})") from None
        return command

    @field_validator("files")
    @classmethod
    def _relative(cls, files: list[str]) -> list[str]:
        for name in files:
            parts = Path(name).parts
            if not name or Path(name).is_absolute() or ".." in parts:
                raise ValueError(
                    f"{name!r} is not a path inside the project; sekit up writes a copy of each "
                    "listed file under .sekit/up/, so name files relative to compose.yaml"
                )
        return files


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
    install: str | None = None

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
    published = {name: ports(path, name, body) for name, body in services.items()}
    here: dict[str, Service] = {}
    docker_only: dict[str, str] = {}
    for name, body in services.items():
        for needed in _depends(body.get("depends_on")):
            if needed not in services:
                raise InputError(
                    path,
                    f"service {name!r} depends on {needed!r}, which is not a service here",
                    key=f"services.{name}.depends_on",
                )
        raw = body.get("x-sekit")
        if raw is None or (isinstance(raw, dict) and "command" not in raw):
            docker_only[name] = "no x-sekit.command: runs with Docker only"
            continue
        extension = _extension(path, name, raw)
        if not published[name]:
            raise InputError(path, f"service {name!r} publishes no port", key=f"services.{name}")
        host, container = published[name][0]
        here[name] = Service(
            name=name,
            command=extension.command,
            port=extension.port if extension.port is not None else host,
            container_port=container,
            health=extension.health,
            environment={
                key: local(value, published)
                for key, value in _environment(body.get("environment")).items()
            },
            depends_on=_depends(body.get("depends_on")),
            files=tuple(extension.files),
            startup=extension.startup,
            install=extension.install,
        )
    return System(path, _ordered(path, here), docker_only, document)


def _extension(path: Path, name: str, raw: Any) -> XSekit:
    if not isinstance(raw, dict):
        raise InputError(path, "must be a mapping of keys", key=f"services.{name}.x-sekit")
    try:
        return XSekit.model_validate(raw)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error["loc"] if not isinstance(p, int))
        message = str(error["msg"]).removeprefix("Value error, ")
        raise InputError(path, message, key=f"services.{name}.x-sekit.{where}") from None


def _validate(path: Path, document: dict[str, Any]) -> None:
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    errors = sorted(
        jsonschema.Draft202012Validator(schema).iter_errors(document), key=lambda e: e.path
    )
    if errors:
        first = errors[0]
        where = ".".join(str(p) for p in first.absolute_path) or "(top)"
        message = first.message.splitlines()[0][:200]
        raise InputError(path, f"not valid against the Compose Specification at {where}: {message}")


def ports(path: Path, name: str, body: dict[str, Any]) -> list[tuple[int, int]]:
    """(published, container) pairs; ``"8000:8000"``, ``"127.0.0.1:8000:8000"`` or the long
    form; a port that is not a number (or a range) is an error naming the service."""
    found = []
    for port in body.get("ports") or []:
        if isinstance(port, dict):
            pair: tuple[Any, Any] | None = (
                (port["published"], port.get("target")) if "published" in port else None
            )
        else:
            parts = str(port).split("/")[0].split(":")
            pair = (parts[-2], parts[-1]) if len(parts) >= 2 else None
        if pair is None:
            continue
        try:
            found.append((int(pair[0]), int(pair[1])))
        except (TypeError, ValueError):
            raise InputError(
                path,
                f"{port!r} is not a published port sekit up can run (numbers, no ranges)",
                key=f"services.{name}.ports",
            ) from None
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


def local(text: str, published: dict[str, list[tuple[int, int]]]) -> str:
    """``model:8000`` (how containers reach each other) -> ``127.0.0.1:<published port>``."""
    for name, pairs in published.items():
        for host, container in pairs:
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
    """Where compose.yaml and the local run would differ, as far as the files tell (the
    sockets a service really binds are checked when it runs: :mod:`sekit.system.sockets`)."""
    found = []
    services = system.document.get("services") or {}
    for service in system.services:
        body = services[service.name]
        if (service.port, service.container_port) not in ports(system.path, service.name, body):
            found.append(f"{service.name}: port {service.port} is not published in compose.yaml")
        try:
            argv = shlex.split(service.command)
        except ValueError as exc:
            found.append(f"{service.name}: x-sekit.command cannot be split into words ({exc})")
            argv = []
        every = _binds_every_address(argv)
        if every is not None:
            found.append(f"{service.name}: x-sekit.command binds {every}; bind 127.0.0.1")
        check = body.get("healthcheck") or {}
        test = check.get("test")
        text = " ".join(test) if isinstance(test, list) else str(test or "")
        if f":{service.container_port}{service.health}" not in text:
            found.append(
                f"{service.name}: the compose health check does not test "
                f":{service.container_port}{service.health} (x-sekit.health)"
            )
    return found


def _binds_every_address(argv: list[str]) -> str | None:
    """How the command line says it binds every address, if it says so (``--host 0.0.0.0``,
    ``--bind=::``, ``--web.listen-address=:9090``, ``0.0.0.0:8000``); a command that binds every
    address without saying so (``python -m http.server 8000``) is found on its sockets."""
    for index, word in enumerate(argv):
        flag, equals, value = word.partition("=")
        if word in _HOST_FLAGS and index + 1 < len(argv):
            host: str | None = argv[index + 1]
        elif equals and flag in _HOST_FLAGS:
            host = value
        else:
            listen = re.fullmatch(r"(.*):(\d+)", value if equals else word)
            host = listen.group(1) if listen else ("0.0.0.0" if word == "0.0.0.0" else None)
            if host == "0":  # "0:8000" is not an address
                host = None
        if host is not None and host in _EVERY_ADDRESS:
            return f"{host or ':PORT'} (every address)"
    return None


def missing(service: Service) -> str | None:
    """Why the service's program cannot start here (it is not installed), or None."""
    from sekit.errors import ServiceError
    from sekit.processes import resolve

    program = shlex.split(service.command)[0]
    try:
        resolve([program], what=f"{service.name}'s x-sekit.command")
    except ServiceError:
        how = service.install or "install it (pip for a Python tool, apt-get for a system one)"
        return f"{service.name}: {program!r} is not installed here; {how}"
    return None
