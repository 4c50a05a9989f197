"""Running untrusted team code inside a sandbox: bubblewrap plus resource limits.

``sekit grade --run`` runs a team's tests and ``sekit gate`` with :func:`run_contained`:

* **bubblewrap** (``bwrap``): a read-only view of the system (``/usr``, ``/etc``, the Python
  installation and the environments it needs), nothing of the instructor's home, no network
  (a private loopback only), a private process tree (everything dies with the sandbox);
* **one size-limited disk**: the repository is bound read-only at ``/sandbox/source`` and
  copied, inside the sandbox, into a tmpfs of ``Limits.disk_bytes`` at ``/sandbox`` (the
  working copy ``/sandbox/repo``); ``/tmp`` is a tmpfs of :data:`TMP_BYTES`. Nothing else is
  writable: the total a team can write is bounded, and nothing the grader reads is among it
  (results come back over a pipe, :mod:`sekit.grade.channel`). tmpfs lives in memory: the
  cap is also the most memory the copies can take;
* an **allow-listed environment**: nothing of the instructor's (tokens, cloud credentials) is
  passed, only ``PATH``, ``HOME``, ``LANG``, ``CI`` and what sekit sets;
* **limits** (``prlimit``): address space per process, processes, CPU seconds, file size, and a
  wall-clock limit after which the whole sandbox is killed;
* run as root, the code inside runs as the unprivileged user ``nobody`` (``setpriv``), since
  Linux does not apply the process limit to root.

Where bubblewrap is missing or does not work, :func:`find_sandbox` says why; ``--run`` then
refuses unless the instructor passes ``--no-sandbox`` (limits and the clean environment still
apply, the file system, the disk and the network are not contained).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from sekit.grade.walk import Walk

INSIDE = "/sandbox"  # the size-limited tmpfs
INSIDE_SOURCE = "/sandbox/source"  # the repository, read-only
INSIDE_REPO = "/sandbox/repo"  # its writable copy, where the command runs
TMP_BYTES = 256 * 1024**2
# Copy the read-only repository into the capped tmpfs, then run the command there.
COPY = (
    f'cp -R -p {INSIDE_SOURCE} {INSIDE_REPO} && mkdir -p /tmp/home && cd {INSIDE_REPO} && exec "$@"'
)
NOBODY = 65534
SYSTEM_LINKS = ("/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32")


@dataclass(frozen=True)
class Limits:
    wall_seconds: float = 600.0
    cpu_seconds: int = 900
    memory_bytes: int = 4 * 1024**3  # address space of each process
    processes: int = 256  # tasks of the sandbox's user (threads count)
    file_bytes: int = 1024**3
    disk_bytes: int = 2 * 1024**3  # everything written: the working copy, HOME, TMPDIR

    def describe(self) -> dict[str, object]:
        return {
            "wall_seconds": self.wall_seconds,
            "cpu_seconds": self.cpu_seconds,
            "memory_gb": round(self.memory_bytes / 1024**3, 2),
            "processes": self.processes,
            "file_gb": round(self.file_bytes / 1024**3, 2),
            "disk_gb": round(self.disk_bytes / 1024**3, 2),
            "tmp_gb": round(TMP_BYTES / 1024**3, 2),
            "network": "none",
            "writable": "a copy of the repository (disk_gb in all), a private /tmp (tmp_gb)",
        }


@dataclass(frozen=True)
class Sandbox:
    """How to contain a command: ``bwrap`` is the path of bubblewrap, None for no sandbox."""

    bwrap: str | None
    readable: tuple[Path, ...] = ()  # bound read-only at the same path (Python, environments)

    @property
    def name(self) -> str:
        return "bubblewrap" if self.bwrap else "none (--no-sandbox)"


@dataclass
class Completed:
    exit_code: int | None  # None when the wall-clock limit stopped it
    duration_s: float
    timed_out: bool
    output: str = ""
    stopped: list[str] = field(default_factory=list)


def find_sandbox() -> tuple[str | None, str]:
    """(the bwrap path, "") when bubblewrap works here, else (None, why not)."""
    found = shutil.which("bwrap")
    if found is None:
        return (
            None,
            "bubblewrap (bwrap) is not installed (Debian/Ubuntu: apt-get install bubblewrap)",
        )
    if shutil.which("prlimit") is None:
        return None, "prlimit (util-linux) is not installed"
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        return None, "setpriv (util-linux) is not installed"
    try:
        done = subprocess.run(
            [found, *_system_binds(), "--unshare-net", "--unshare-pid", "--", "true"],
            capture_output=True,
            timeout=20,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"bubblewrap does not start: {exc}"
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        return None, f"bubblewrap does not work here: {message[-1] if message else done.returncode}"
    return found, ""


def _system_binds() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr", "--ro-bind", "/etc", "/etc"]
    for path in map(Path, SYSTEM_LINKS):
        if path.is_symlink():
            args += ["--symlink", str(path.readlink()), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    return args


def python_locations() -> tuple[Path, ...]:
    """The folders the sandboxed Python needs: its installation and sekit's environment."""
    import importlib.util
    import site

    places = {Path(sys.base_prefix), Path(sys.prefix), Path(sys.executable).resolve().parent.parent}
    for folder in [*site.getsitepackages(), site.getusersitepackages()]:
        if folder and Path(folder).is_dir():
            places.add(Path(folder))
    for package in ("sekit", "sekit_cli"):  # an editable install lives outside site-packages
        spec = importlib.util.find_spec(package)
        for location in (spec.submodule_search_locations or []) if spec else []:
            places.add(Path(location).resolve())
    return tuple(sorted(places))


def command(
    argv: list[str],
    *,
    sandbox: Sandbox,
    repo: Path,
    env: dict[str, str],
    limits: Limits,
) -> list[str]:
    """The full command line: limits, then bubblewrap (when available), then ``argv``.

    With bubblewrap, ``repo`` is bound read-only and ``argv`` runs in a copy of it made inside
    the sandbox (see the module's docstring)."""
    limit = [
        "prlimit",
        f"--as={limits.memory_bytes}",
        f"--nproc={limits.processes}",
        f"--cpu={limits.cpu_seconds}",
        f"--fsize={limits.file_bytes}",
        "--core=0",
        "--",
    ]
    if sandbox.bwrap is None:
        return [*limit, *argv]
    wrapped = [
        sandbox.bwrap, *_system_binds(),
        "--perms", "1777", "--size", str(TMP_BYTES), "--tmpfs", "/tmp",
        "--perms", "0777", "--size", str(limits.disk_bytes), "--tmpfs", INSIDE,
    ]  # fmt: skip
    wrapped += _folders([*sandbox.readable])
    for place in sandbox.readable:  # after /tmp: an environment under /tmp stays visible
        wrapped += ["--ro-bind", str(place), str(place)]
    wrapped += [
        "--ro-bind", str(repo), INSIDE_SOURCE,
        "--dev", "/dev",
        "--proc", "/proc",
        "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
        "--die-with-parent",
        "--new-session",
        "--hostname", "sandbox",
        "--clearenv",
    ]  # fmt: skip
    for key, value in env.items():
        wrapped += ["--setenv", key, value]
    wrapped += ["--chdir", INSIDE, "--"]
    if os.geteuid() == 0:
        wrapped += [
            "setpriv",
            f"--reuid={NOBODY}",
            f"--regid={NOBODY}",
            "--clear-groups",
            "--no-new-privs",
            "--",
        ]
    return [*limit, *wrapped, "sh", "-c", COPY, "sh", *argv]


def _folders(mounts: list[Path]) -> list[str]:
    """Create the folders above each mount point readable by all (bubblewrap would make them
    private to root, hiding what is mounted below from the unprivileged user)."""
    made: list[str] = []
    seen = {Path("/"), Path("/usr"), Path("/etc"), Path("/tmp"), Path("/dev"), Path("/proc")}
    for mount in mounts:
        for parent in reversed(mount.parents):
            if parent in seen or any(parent == Path(p) for p in SYSTEM_LINKS):
                continue
            seen.add(parent)
            made += ["--perms", "0755", "--dir", str(parent)]
    return made


def hand_over(*folders: Path) -> None:
    """Make folders writable by the sandbox's user (``nobody`` when sekit runs as root)."""
    if os.geteuid() != 0:
        return
    for folder in folders:
        for current, dirs, names in Walk(folder, max_depth=10_000):
            for name in [*dirs, *names]:
                os.lchown(Path(current) / name, NOBODY, NOBODY)
        os.lchown(folder, NOBODY, NOBODY)


def run_contained(
    argv: list[str],
    *,
    sandbox: Sandbox,
    repo: Path,
    env: dict[str, str],
    limits: Limits,
    log: Path,
    pass_fds: tuple[int, ...] = (),
) -> Completed:
    """Run ``argv`` contained, output to ``log``; stop everything at the wall-clock limit.

    ``pass_fds`` reach the command (the grader's channel); without bubblewrap it runs in
    ``repo`` itself."""
    full = command(argv, sandbox=sandbox, repo=repo, env=env, limits=limits)
    start = time.monotonic()
    timed_out = False
    with log.open("wb") as handle:
        process = subprocess.Popen(
            full,
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=repo if sandbox.bwrap is None else None,
            env=env if sandbox.bwrap is None else _outer_env(),
            start_new_session=True,
            pass_fds=pass_fds,
        )
        try:
            code: int | None = process.wait(timeout=limits.wall_seconds)
        except subprocess.TimeoutExpired:
            timed_out = True
            code = None
        finally:
            _kill_group(process)
    output = log.read_text(encoding="utf-8", errors="replace")
    completed = Completed(code, round(time.monotonic() - start, 2), timed_out, output)
    completed.stopped = contained(completed, limits)
    return completed


def _outer_env() -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


SIGNS = (
    ("Read-only file system", "a write outside the repository copy was refused"),
    ("[Errno 13] Permission denied: '/", "a read or write of a system file was refused"),
    ("Network is unreachable", "network access was refused (no network in the sandbox)"),
    ("Connection refused", "network access was refused (no network in the sandbox)"),
    ("Temporary failure in name resolution", "network access was refused (no name resolution)"),
    ("Name or service not known", "network access was refused (no name resolution)"),
    ("Resource temporarily unavailable", "the process limit stopped new processes"),
    ("BlockingIOError", "the process limit stopped new processes"),
    ("MemoryError", "the memory limit refused an allocation"),
    ("Cannot allocate memory", "the memory limit refused an allocation"),
    ("File too large", "the file-size limit stopped a write"),
    ("No space left on device", "the disk limit stopped a write"),
)


def contained(completed: Completed, limits: Limits) -> list[str]:
    """What the sandbox and the limits stopped, read from the exit and the output."""
    found: list[str] = []
    if completed.timed_out:
        found.append(f"the wall-clock limit stopped the run after {limits.wall_seconds:g}s")
    code = completed.exit_code
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        found.append(f"killed by {name} (a resource limit)")
    elif code in (128 + signal.SIGKILL, 128 + signal.SIGXCPU):
        found.append("killed by a resource limit (CPU time or memory)")
    for sign, meaning in SIGNS:
        if sign in completed.output and meaning not in found:
            found.append(meaning)
    outside = {
        line.split("No such file or directory: ", 1)[1].strip("'\" ")
        for line in completed.output.splitlines()
        if "No such file or directory: '/" in line
    }
    for path in sorted(p for p in outside if not p.startswith("/sandbox/"))[:3]:
        found.append(f"a file outside the repository was not visible: {path}")
    return found
