"""Child processes that never outlive sekit: the project's service and Locust.

Every child starts in its own process group (its own session), so that stopping it stops its
children too (uvicorn's workers, Locust's forked processes). Stopping sends SIGTERM to the group,
waits a grace period, then SIGKILLs whatever is left. Groups still alive when sekit exits (an
error, Ctrl-C, a time limit) are stopped by an ``atexit`` hook as the last resort.
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
from pathlib import Path
from typing import IO

_LIVE: dict[int, subprocess.Popen[bytes]] = {}


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
    with _interrupts_deferred():
        process = subprocess.Popen(
            list(command),
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _LIVE[process.pid] = process
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
    """Stop the process and its whole group; return its exit code (None if it was killed)."""
    try:
        if process.poll() is None:
            _signal_group(process.pid, first)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=grace)
        _signal_group(process.pid, signal.SIGKILL)  # stragglers in the group
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace)
    finally:
        _LIVE.pop(process.pid, None)
    return process.returncode


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
