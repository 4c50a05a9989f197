"""The tutorial's ``sekit gate`` at load 1 and at load 4, side by side in one run.

The project of ``docs/tutorial/first-week.md`` (``sekit new clinic-ai --team ...``), trained by
its DVC pipeline (not timed), then ``sekit gate`` timed twice in the same folder: once with no
extra load, once with ``--hogs`` busy processes beside it (each spinning on a core, bounded
by ``--hog-seconds`` and killed when the gate ends). On a quiet 2-core machine three hogs and
the gate make a load average near 4: a busy CI runner, a laptop with a video call.

    python benchmarks/gate_load.py [--hogs 3] [--hog-seconds 900] [--settle 60]

A first, untimed gate warms the caches, so the two timed runs are alike but for the load; the
hogs start ``--settle`` seconds before the loaded run. The load is recorded both as the
1-minute average and as the tasks runnable each second (``runnable_mean``).

Target (issue 35): the gate at load 4 takes at most 2x its time at load 1 (it took 20x when
scikit-learn's OpenMP threads spun on the busy cores; ``sekit.threads``). The machine's load
average is sampled every second during each run and recorded beside its time: on a shared
machine the "load 1" run is not at load 1, and the record says what it was. Each run's
per-check times and the report's ``threads`` provenance (the pools limited to one thread
while the team's model ran) are recorded too.

It runs with this Python's sekit and libraries (the project's ``src/`` on ``PYTHONPATH``, as
the tests train it), so no virtual environment is built.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from _record import record

TEAM = "Ana,Ben,Caro,Dan"  # the tutorial's


def spin(seconds: float) -> None:
    """One busy loop, a core kept busy for at most ``seconds``."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def runnable() -> int:
    """Tasks runnable right now (``/proc/loadavg``'s fourth field, less this sampler): the
    instantaneous load, which the 1-minute average follows only after a minute or so."""
    fields = Path("/proc/loadavg").read_text(encoding="ascii").split()
    return int(fields[3].split("/")[0]) - 1


class LoadSampler:
    """The 1-minute load average and the runnable tasks, every second while a run lasts."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self.running: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append(os.getloadavg()[0])
            self.running.append(runnable())
            self._stop.wait(1.0)

    def __enter__(self) -> LoadSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def summary(self) -> dict[str, float]:
        values = self.samples or [os.getloadavg()[0]]
        return {
            "min": round(min(values), 2),
            "mean": round(sum(values) / len(values), 2),
            "max": round(max(values), 2),
            "at_end": round(values[-1], 2),
            "runnable_mean": round(sum(self.running) / max(len(self.running), 1), 2),
        }


def environment(project: Path) -> dict[str, str]:
    """This Python first on the PATH (the stages run ``python -m ...``), the project's src/."""
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "OMP_NUM_THREADS")}
    return env | {"PYTHONPATH": str(project / "src"), "PATH": path, "NO_COLOR": "1"}


def scaffold(root: Path) -> Path:
    """The tutorial's project, trained by its pipeline."""
    env = environment(root / "clinic-ai")
    sekit = [sys.executable, "-m", "sekit"]
    subprocess.run(
        [*sekit, "new", "clinic-ai", "--team", TEAM],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
    )
    project = root / "clinic-ai"
    subprocess.run(
        [sys.executable, "-m", "dvc", "repro"],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
    )
    return project


def gate(project: Path, hogs: int, hog_seconds: float, settle: float) -> dict[str, Any]:
    """One ``sekit gate``, timed, with ``hogs`` busy loops beside it, started ``settle``
    seconds before it (so the 1-minute load average has risen to what the run meets)."""
    busy = [multiprocessing.Process(target=spin, args=(hog_seconds,)) for _ in range(hogs)]
    for hog in busy:
        hog.start()
    try:
        if hogs:
            time.sleep(settle)
        with LoadSampler() as load:
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "sekit", "gate"],
                cwd=project,
                env=environment(project),
                capture_output=True,
                text=True,
            )
            seconds = time.perf_counter() - start
    finally:
        for hog in busy:
            hog.kill()
            hog.join()
    report = json.loads((project / ".sekit" / "report.json").read_text(encoding="utf-8"))
    checks = {
        c["id"]: round(c["duration_s"], 2)
        for c in report["checks"]
        if c["status"] != "skipped" and c["duration_s"] >= 0.05
    }
    lines = done.stdout.strip().splitlines()
    return {
        "hogs": hogs,
        "seconds": round(seconds, 1),
        "exit_code": done.returncode,
        "verdict": next((x for x in reversed(lines) if x.startswith(("PASS", "BLOCKED"))), ""),
        "load_average_1min": load.summary(),
        "checks_s": dict(sorted(checks.items(), key=lambda item: -item[1])),
        "threads": report["provenance"].get("threads"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hogs", type=int, default=3, help="busy loops beside the second run")
    parser.add_argument("--hog-seconds", type=float, default=900.0, help="each hog's bound")
    parser.add_argument(
        "--settle", type=float, default=60.0, help="seconds the hogs run before the gate starts"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        project = scaffold(Path(folder))
        gate(project, 0, args.hog_seconds, 0)  # untimed: both timed runs meet warm caches
        quiet = gate(project, 0, args.hog_seconds, 0)
        print(f"no extra load: {quiet['seconds']} s, load {quiet['load_average_1min']}")
        loaded = gate(project, args.hogs, args.hog_seconds, args.settle)
        print(f"{args.hogs} hogs: {loaded['seconds']} s, load {loaded['load_average_1min']}")
    ratio = loaded["seconds"] / quiet["seconds"]
    print(f"ratio: {ratio:.2f}x (target <= 2x: {'met' if ratio <= 2 else 'MISSED'})")
    path = record(
        "gate_load",
        {
            "quiet": quiet,
            "loaded": loaded,
            "ratio": round(ratio, 2),
            "cpus": os.cpu_count(),
            "settle_s": args.settle,
        },
    )
    print(f"recorded in {path}")


if __name__ == "__main__":
    main()
