"""Where a running ``sekit up`` is, so that ``sekit retrain`` on the same machine finds it.

``sekit up`` writes ``.sekit/up/state.json`` (mode 0600: it holds an admin token) once every
service is healthy, and removes it when it stops: each local service's URL, its process, and
the admin token it was started with. A service whose compose environment declares
``ADMIN_TOKEN`` without a value (the scaffold's ``${ADMIN_TOKEN:-}``, with the variable unset)
gets a fresh random token for this run, so its admin endpoints are on, and only this state
file (and whoever set the variable) knows the token.

:func:`running` reads the file back and ignores it when ``sekit up`` or the service is no
longer running (a file left by a killed ``sekit up``, or a process id used again since: the
process's start time must match too).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ADMIN = "ADMIN_TOKEN"
STATE = Path(".sekit") / "up" / "state.json"


@dataclass(frozen=True)
class Local:
    """A service of a running ``sekit up``: its URL and admin token (None when it has none)."""

    name: str
    url: str
    token: str | None


def admin_tokens(environments: dict[str, dict[str, str]]) -> dict[str, str]:
    """service -> a fresh admin token, for each service that declares ``ADMIN_TOKEN`` empty."""
    return {
        name: secrets.token_urlsafe(24)
        for name, environment in environments.items()
        if ADMIN in environment and not environment[ADMIN]
    }


def _started(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux), None where unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[-1].split()[19]


def _alive(pid: object, started: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # alive, another user's
    return started is None or _started(pid) == started


def write(root: Path, services: dict[str, tuple[str, int, str | None]]) -> Path:
    """Record the running services (name -> URL, process id, admin token), readable by the
    user alone; written whole or not at all."""
    path = root / STATE
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "pid": os.getpid(),
        "started": _started(os.getpid()),
        "services": {
            name: {"url": url, "pid": pid, "started": _started(pid), "admin_token": token}
            for name, (url, pid, token) in services.items()
        },
    }
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=2)
    partial.replace(path)
    return path


def remove(root: Path) -> None:
    """Remove the state file if this process wrote it (not another ``sekit up``'s)."""
    path = root / STATE
    with contextlib.suppress(OSError, ValueError):
        if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
            path.unlink()


def running(root: Path) -> list[Local]:
    """The services of the ``sekit up`` running for this project (none when it is not)."""
    try:
        document: Any = json.loads((root / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(document, dict) or not _alive(document.get("pid"), document.get("started")):
        return []
    found = []
    services = document.get("services")
    for name, entry in (services if isinstance(services, dict) else {}).items():
        if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
            continue
        if not _alive(entry.get("pid"), entry.get("started")):
            continue
        token = entry.get("admin_token")
        found.append(Local(str(name), entry["url"], token if isinstance(token, str) else None))
    return found


def admin_service(root: Path) -> Local | None:
    """The one running service with an admin token (the model service), or None when there is
    none, or more than one (then which to switch is not for sekit to guess)."""
    found = [local for local in running(root) if local.token]
    return found[0] if len(found) == 1 else None
