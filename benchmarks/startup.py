"""`sekit --help` wall time against bare Python start-up, measured side by side.

Targets: `sekit --help` (issue 2) and `sekit check --help` (issue 32) at most 4x
`python -c pass`. Runs are interleaved so that every command sees the same machine load; the
median of each is compared.

    python benchmarks/startup.py [--runs 40]

`sekit check --help` is kept in a cache after its first run (cli/_cached_help.py): both the
kept answer and a first run (an empty cache each time) are measured; the target is the kept
one, which every run but the first after an install gets.

Measure in a regular (non-editable) install: an editable install adds an import hook to
every Python start-up and so slows both sides.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _record import record


def wall(command: list[str], env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=env
    )
    return time.perf_counter() - start


FIRST = "sekit check --help, first run"  # its help rendered by click, then kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    beside = Path(sys.executable).parent / "sekit"
    script = str(beside) if beside.exists() else shutil.which("sekit")
    if script is None:
        sys.exit("install sekit first: no `sekit` next to this Python or on PATH")
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "sekit --help": [script, "--help"],
        "sekit --version": [script, "--version"],
        "sekit check --help": [script, "check", "--help"],
        FIRST: [script, "check", "--help"],
    }
    for command in commands.values():  # warm the file cache (and keep check's help)
        wall(command)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, command in commands.items():
            if name == FIRST:  # an empty help cache each time: what the first run costs
                with tempfile.TemporaryDirectory() as empty:
                    samples[name].append(wall(command, {**os.environ, "SEKIT_CACHE_DIR": empty}))
            else:
                samples[name].append(wall(command))
    medians = {name: statistics.median(times) * 1000 for name, times in samples.items()}
    base = medians["python -c pass"]
    rows = {
        name: {"median_ms": round(ms, 1), "ratio": round(ms / base, 2)}
        for name, ms in medians.items()
    }
    for name, row in rows.items():
        print(f"{name:22} {row['median_ms']:7.1f} ms  {row['ratio']:5.2f}x")
    targets = {name: rows[name]["ratio"] <= 4 for name in ("sekit --help", "sekit check --help")}
    for name, met in targets.items():
        verdict = "met" if met else "MISSED"
        print(f"target: {name} <= 4x python start-up: {verdict} ({rows[name]['ratio']}x)")
    path = record(
        "startup",
        {
            "runs": args.runs,
            "results": rows,
            "target_ratio": 4,
            "target_met": targets["sekit --help"],
            "targets_met": targets,
        },
    )
    print(f"recorded in {path}")


if __name__ == "__main__":
    main()
