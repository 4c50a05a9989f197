"""The README's quick start, timed as a new user runs it: the command exactly as the README
has it, in a fresh clone of this checkout, a fresh virtual environment and no pip cache (every
wheel downloaded), with the machine's load recorded beside the time.

    python benchmarks/quickstart.py [--hogs N]

``--hogs N`` runs N busy loops beside it (each one process spinning on a core, stopped when
the quick start ends): on a 2-core machine, ``--hogs 2`` gives a load average near 4, a busy
CI runner or a laptop with a browser open. The README's number names its load.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from _record import record

REPO = Path(__file__).resolve().parents[1]


def quick_start() -> str:
    """The first command of the README's quick start (the bash block under its heading)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1]
    match = re.search(r"```bash\n(.*?)\n```", section, re.DOTALL)
    assert match, "no bash block under '## Quick start'"
    return match.group(1).strip()


def clone(target: Path) -> None:
    """This checkout's files (tracked, or new and not ignored): what a clone has."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for relative in filter(None, listed.split("\0")):
        source = REPO / relative
        if source.is_file():
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / relative)


def spin(seconds: float) -> None:
    """One busy loop, a core kept busy for ``seconds`` (the load --hogs puts beside it)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hogs", type=int, default=0, help="busy loops beside it")
    args = parser.parse_args()
    command = quick_start()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "sekit"
        clone(root)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
        env.update(PIP_NO_CACHE_DIR="1", PIP_DISABLE_PIP_VERSION_CHECK="1", NO_COLOR="1")
        env.pop("CI", None)
        hogs = [multiprocessing.Process(target=spin, args=(3600,)) for _ in range(args.hogs)]
        for hog in hogs:
            hog.start()
        load_before = os.getloadavg()[0]
        start = time.perf_counter()
        done = subprocess.run(
            ["bash", "-c", command], cwd=root, env=env, capture_output=True, text=True
        )
        seconds = time.perf_counter() - start
        load_after = os.getloadavg()  # 1, 5 and 15 minutes: the 5-minute one spans the run
        for hog in hogs:
            hog.terminate()
            hog.join()
    if done.returncode != 0:
        raise SystemExit(f"the quick start failed ({done.returncode}):\n{done.stdout[-3000:]}")
    path = record(
        f"quickstart_hogs{args.hogs}",
        {
            "command": command,
            "seconds": round(seconds, 1),
            "hogs": args.hogs,
            "load_average_at_start": round(load_before, 2),
            "load_average_at_end_1_5_15": [round(x, 2) for x in load_after],
            "pip_cache": "off",
            "verdict_line": done.stdout.strip().splitlines()[-1] if done.stdout.strip() else "",
        },
    )
    print(f"{seconds:.0f} s at load {load_after[1]:.1f} ({args.hogs} hogs): {path}")


if __name__ == "__main__":
    main()
