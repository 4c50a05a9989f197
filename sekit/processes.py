"""Child processes that never outlive sekit: the project's service and Locust.

Every child starts in its own process group (its own session), so that stopping it stops its
children too (uvicorn's workers, Locust's forked processes). Stopping sends SIGTERM to the group,
waits a grace period, then SIGKILLs whatever is left. Groups still alive when sekit exits (an
error, Ctrl-C, a time limit) are stopped by an ``atexit`` hook as the last resort.

A descendant can leave the group (``setsid``, a daemon's double fork) and outlive it. So every
child also gets a token in its environment (``SEKIT_SPAWN``), which its descendants inherit
whatever group, session or parent they end up with; stopping a child stops every process that
carries its token (read from ``/proc/<pid>/environ``).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

_LIVE: dict[int, subprocess.Popen[bytes]] = {}
_TOKENS: dict[int, str] = {}  # pid of a child -> the token its descendants inherit
MARK = "SEKIT_SPAWN"


def resolve(argv: Sequence[str], *, what: str) -> list[str]:
    """``argv`` with its program found on ``PATH``, or beside the running Python (the
    virtual environment's ``bin/``); a ServiceError naming ``what`` when it is nowhere."""
    import shutil
    import sys

    from sekit.errors import ServiceError

    program = argv[0]
    found = shutil.which(program)
    if found is None:
        beside = Path(sys.executable).parent / program
        if beside.exists():
            found = str(beside)
    if found is None:
        raise ServiceError(
            f"{what}: {program!r} is not installed or not on PATH",
            hint="install the project's dependencies in this environment",
        )
    return [found, *argv[1:]]


def spawn(
    command: Sequence[str], *, cwd: Path, log: IO[bytes], env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start ``command`` in a new process group, output to ``log``; remember it.

    Ctrl-C or SIGTERM arriving while the child is being started is held back until it is
    remembered: an interrupt inside ``Popen`` would otherwise leave a started child that nobody
    stops (Locust would then run out its whole duration)."""
    import secrets

    token = secrets.token_hex(8)
    environment = dict(os.environ if env is None else env)
    # appended: a child of a child sekit started (a nested sekit) is still found by both
    environment[MARK] = f"{environment.get(MARK, '')} {token}".strip()
    with _interrupts_deferred():
        process = subprocess.Popen(
            list(command),
            cwd=cwd,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _LIVE[process.pid] = process
        _TOKENS[process.pid] = token
    return process


@contextlib.contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Record SIGINT and SIGTERM for the duration; raise KeyboardInterrupt afterwards if one came.
    (Python-level handlers are reset to the default in the child by exec.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    arrived: list[int] = []
    wanted = (signal.SIGINT, signal.SIGTERM)
    previous = {
        sig: signal.signal(sig, lambda signum, frame: arrived.append(signum)) for sig in wanted
    }
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if arrived:
        raise KeyboardInterrupt


def stop(
    process: subprocess.Popen[bytes], *, grace: float = 5.0, first: int = signal.SIGTERM
) -> int | None:
    """Stop the process, its whole group and every process that inherited its token; return
    its exit code (None if it was killed)."""
    token = _TOKENS.get(process.pid)
    try:
        if process.poll() is None:
            _signal_group(process.pid, first)
            _signal_all(marked(token), first)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=grace)
        _signal_group(process.pid, signal.SIGKILL)  # stragglers in the group
        _stop_marked(token, grace, first)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace)
    finally:
        _LIVE.pop(process.pid, None)
        _TOKENS.pop(process.pid, None)
    return process.returncode


def marked(token: str | None) -> list[int]:
    """Live processes (zombies excluded) whose environment carries ``token``: the
    descendants of one child, wherever they went."""
    if not token:
        return []
    wanted = token.encode()
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            environ = (entry / "environ").read_bytes()
            if (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                continue
        except (OSError, IndexError):
            continue
        for variable in environ.split(b"\0"):
            if (
                variable.startswith(MARK.encode() + b"=")
                and wanted in variable.split(b"=", 1)[1].split()
            ):
                found.append(int(entry.name))
                break
    return found


def descendants(process: subprocess.Popen[bytes]) -> list[int]:
    """The child and every live process descended from it: by parent pid, and by its token
    (a descendant that left its group or lost its parent)."""
    children: dict[int, list[int]] = {}
    for status in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            parent = int(status.read_text().rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(status.parent.name))
    found: list[int] = []
    waiting = [process.pid, *marked(_TOKENS.get(process.pid))]
    while waiting:
        current = waiting.pop()
        if current not in found:
            found.append(current)
            waiting.extend(children.get(current, []))
    return found


def _stop_marked(token: str | None, grace: float, first: int) -> None:
    """SIGTERM (``first``) to the token's processes still running, then SIGKILL after
    ``grace``."""
    left = marked(token)
    if not left:
        return
    _signal_all(left, first)
    deadline = time.monotonic() + grace
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = marked(token)
    _signal_all(left, signal.SIGKILL)


def _signal_all(pids: list[int], sig: int) -> None:
    for pid in pids:
        if pid != os.getpid():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, sig)


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def group_alive(pgid: int) -> bool:
    """Whether any process of the group still runs (zombies excluded)."""
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            return True
    return False


@atexit.register
def _stop_all() -> None:
    for process in list(_LIVE.values()):
        stop(process, grace=2.0)


def wait(process: subprocess.Popen[bytes], timeout: float) -> int | None:
    """Wait up to ``timeout`` seconds; None if it is still running. Interruptible (Ctrl-C)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code = process.poll()
        if code is not None:
            return code
        time.sleep(0.05)
    return process.poll()


@dataclass(frozen=True)
class Usage:
    """What a command and the descendants it waited for used: CPU seconds (user and system)
    and the largest resident set any of them reached, in bytes."""

    cpu_seconds: float
    peak_rss_bytes: int


MEASURE = Path(__file__).with_name("_measure.py")


def measured(argv: Sequence[str], report: Path) -> list[str]:
    """``argv`` run under a small launcher that waits for it with ``wait4`` and writes its
    resource usage to ``report`` (read it with :func:`usage_of`).

    Why a launcher: a child forked from sekit starts as a copy of sekit's memory (pandas,
    scikit-learn: 150 MB and more), and the kernel's peak resident set keeps that copy's size
    even after the child runs another program; forked from the launcher (a bare Python, about
    10 MB), the command's peak is its own, and its descendants' it waited for (a ``dvc repro``
    and the ``python train.py`` it ran)."""
    import sys

    return [sys.executable, "-I", "-S", str(MEASURE), str(report), *argv]


def usage_of(report: Path) -> Usage | None:
    """The usage the launcher wrote, or None (the command was stopped, or never ran)."""
    import json

    try:
        data = json.loads(report.read_text(encoding="utf-8"))
        return Usage(float(data["cpu_seconds"]), int(data["peak_rss_bytes"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
