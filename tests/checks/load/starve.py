"""Starving a load generator on purpose: the way a busy runner starves it, made certain.

:func:`starved` takes a running process (Locust, started by ``sekit check load``), pins every
thread of it to one core, lowers its priority as far as it goes (nice 19 for each thread and,
where the kernel groups processes by session, for its group), and starts CPU hogs pinned to the
same core at normal priority, each in its own session. The process then gets about 1% of a core:
it wakes late, sends late and reads late. Everything is undone (hogs stopped) on exit; each hog
also ends by itself after ``limit`` seconds, so none outlives a test that dies.

Used by the tests of the validity verdict and by ``benchmarks/load_truth.py``.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

HOG = "import time\nend = time.monotonic() + {limit}\nwhile time.monotonic() < end:\n    pass\n"


def processes_with(*markers: str) -> list[int]:
    """Live processes whose command line holds every marker (zombies and this one excluded)."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError):
            continue
        if state != "Z" and int(entry.name) != os.getpid() and all(m in command for m in markers):
            found.append(int(entry.name))
    return found


def wait_for(*markers: str, timeout: float = 60.0) -> int:
    """The pid of the first process whose command line holds every marker."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = processes_with(*markers)
        if found:
            return found[0]
        time.sleep(0.05)
    raise AssertionError(f"no process with {markers} within {timeout:g} s")


def _threads(pid: int) -> list[int]:
    return [int(t.name) for t in Path(f"/proc/{pid}/task").glob("[0-9]*")]


def cores() -> list[int]:
    return sorted(os.sched_getaffinity(0))


@contextlib.contextmanager
def starved(pid: int, *, hogs: int = 2, limit: float = 120.0) -> Iterator[int]:
    """Starve ``pid`` until the block ends, then give it its priority and cores back (as far as
    this user may raise a priority again); yields the core it was pinned to."""
    core, everywhere = cores()[-1], set(cores())
    threads = {thread: os.getpriority(os.PRIO_PROCESS, thread) for thread in _threads(pid)}
    for thread in threads:
        with contextlib.suppress(ProcessLookupError):
            os.sched_setaffinity(thread, {core})
            os.setpriority(os.PRIO_PROCESS, thread, 19)
    autogroup = Path(f"/proc/{pid}/autogroup")
    group_nice = None
    if autogroup.exists():  # the kernel shares CPU between sessions first: lower the session's
        group_nice = autogroup.read_text().split("nice")[-1].strip()
        autogroup.write_text("19")
    started = [
        subprocess.Popen(
            [sys.executable, "-c", HOG.format(limit=limit)],
            start_new_session=True,
            preexec_fn=lambda: os.sched_setaffinity(0, {core}),
        )
        for _ in range(hogs)
    ]
    try:
        yield core
    finally:
        for hog in started:
            hog.kill()
            hog.wait()
        with contextlib.suppress(OSError):
            if group_nice is not None:
                autogroup.write_text(group_nice)
            for thread, nice in threads.items():
                os.setpriority(os.PRIO_PROCESS, thread, nice)
                os.sched_setaffinity(thread, everywhere)


def wait_for_file(path: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} did not appear within {timeout:g} s")
        time.sleep(0.05)
