"""How long a team waits for its project's environment: `pip install -e ".[dev]"` of a freshly
scaffolded project in a fresh virtual environment, and how large that environment is.

    python benchmarks/scaffold_install.py [--sekit PATH] [--label NAME]

``--sekit`` is the sekit source to scaffold with (default: this checkout); giving an older
checkout (a `git worktree` of an earlier commit) measures the template before a change. sekit
itself is installed first and not timed: the number is what the project adds. pip's cache is
off, so every wheel is fetched from the package index and unpacked: what a fresh CI runner or a
student's first install pays.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

from _record import record

REPO = Path(__file__).resolve().parents[1]


def folder_mb(path: Path) -> float:
    total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())
    return round(total / 1e6, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sekit", type=Path, default=REPO)
    parser.add_argument("--label", default="current")
    parser.add_argument("--template", default="classification")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        venv.create(root / "env", with_pip=True)
        python = root / "env" / "bin" / "python"
        env = {k: v for k, v in os.environ.items() if not k.startswith("VIRTUAL_ENV")}
        env.update(PIP_NO_CACHE_DIR="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
        env["PATH"] = f"{python.parent}{os.pathsep}{env['PATH']}"
        quiet = {"cwd": root, "env": env, "check": True, "stdout": subprocess.DEVNULL}
        subprocess.run([python, "-m", "pip", "install", "-q", str(args.sekit)], **quiet)
        before = folder_mb(root / "env")
        subprocess.run(
            [python.parent / "sekit", "new", "demo", "--no-git", "--template", args.template],
            **quiet,
        )
        start = time.perf_counter()
        subprocess.run([python, "-m", "pip", "install", "-q", "-e", "demo[dev]"], **quiet)
        seconds = round(time.perf_counter() - start, 1)
        added = round(folder_mb(root / "env") - before, 1)
        listed = subprocess.run(
            [python, "-m", "pip", "list", "--format", "freeze"],
            **{**quiet, "stdout": subprocess.PIPE},
        )
        packages = len(listed.stdout.splitlines())
    print(
        f"{args.label}: pip install -e demo[dev] {seconds} s, +{added} MB, {packages} packages "
        f"in the environment (python {sys.version.split()[0]})"
    )
    path = record(
        f"scaffold_install_{args.label}",
        {"sekit": str(args.sekit), "install_s": seconds, "added_mb": added, "packages": packages},
    )
    print(f"recorded in {path}")


if __name__ == "__main__":
    main()
