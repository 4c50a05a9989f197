"""``sekit grade --run``: the team's tests and ``sekit gate``, in subprocesses with time limits.

Only with ``--run`` does grading execute anything from a team's repository. Both run with this
Python (install the team's project into it first), in the repository's folder, in their own
process group, stopped with all their children when the time limit passes.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from sekit import processes


def _run(command: list[str], cwd: Path, limit: float, log: Path) -> int | None:
    with log.open("wb") as handle:
        process = processes.spawn(command, cwd=cwd, log=handle, env={**os.environ, "CI": "true"})
        try:
            return processes.wait(process, limit)
        finally:
            processes.stop(process)


def run_tests(root: Path, limit: float) -> tuple[str | None, str]:
    """The JUnit XML of the team's pytest run, and what happened."""
    with tempfile.TemporaryDirectory() as folder:
        junit = Path(folder) / "junit.xml"
        code = _run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}"],
            root,
            limit,
            Path(folder) / "pytest.log",
        )
        text = junit.read_text(encoding="utf-8", errors="replace") if junit.exists() else None
    if code is None:
        return text, f"the tests ran past {limit:g}s and were stopped"
    return text, f"pytest exited {code}"


def run_gate(root: Path, limit: float) -> tuple[dict[str, Any] | None, str]:
    """The report of ``sekit gate`` in the team's repository, and what happened."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "gate.json"
        code = _run(
            [sys.executable, "-m", "sekit", "gate", "--format", "json", "--quiet"], root, limit, out
        )
        text = out.read_text(encoding="utf-8", errors="replace") if out.exists() else ""
        try:  # stdout and stderr share the log: the report is the JSON object in it
            report, _ = json.JSONDecoder().raw_decode(text[text.index("{") :])
        except ValueError:
            report = None
    if code is None:
        return None, f"sekit gate ran past {limit:g}s and was stopped"
    return report, f"sekit gate exited {code}"
