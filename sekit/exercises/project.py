"""Running an exercise's project: its package importable, its pipeline."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def project_importable(folder: Path) -> Iterator[dict[str, str]]:
    """PYTHONPATH with the project's src/, for the pipeline and the service it starts."""
    previous = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(folder / "src"), previous]))
    try:
        yield dict(os.environ)
    finally:
        if previous is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = previous


def run_pipeline(folder: Path, package: str, env: dict[str, str]) -> str | None:
    """None when the pipeline ran, else its last error line."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", f"{package}.pipeline"],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    except subprocess.TimeoutExpired:
        return "the pipeline ran for more than 10 minutes"
    if done.returncode == 0:
        return None
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    return lines[-1] if lines else f"exit code {done.returncode}"
