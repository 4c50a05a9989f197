"""Small builders shared by tests (imported as ``tests.helpers``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sekit.checks import FunctionCheck, register
from sekit.checks.context import Context
from sekit.results import CheckResult, Finding, Severity

MINIMAL_CONFIG = """
[project]
name = "demo"

[data]
train = "train.csv"
"""


def fake_check(
    check_id: str,
    behaviour: Callable[[Context], CheckResult] | None = None,
    *,
    metrics: dict[str, float] | None = None,
    findings: list[Finding] | None = None,
) -> FunctionCheck:
    """Register a check that returns the given metrics and findings (or runs ``behaviour``)."""
    suite = check_id.split(".", 1)[0]

    def body(ctx: Context) -> CheckResult:
        return CheckResult.from_findings(
            id=check_id, suite=suite, findings=findings or [], metrics=metrics or {}, summary="fake"
        )

    made = FunctionCheck(id=check_id, suite=suite, title=f"fake {check_id}", func=behaviour or body)
    register(made)
    return made


def finding(kind: str, severity: str = "fail", column: str | None = None) -> Finding:
    return Finding(kind=kind, severity=Severity(severity), message=f"{kind} found", column=column)


def dvc_repro(project: Path) -> None:
    """Train a scaffolded project with its DVC pipeline, with this Python first on the PATH
    (the stages run `python -m ...`) and the project's src/ importable."""
    import os
    import subprocess
    import sys

    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])
    env = {**os.environ, "PYTHONPATH": str(project / "src"), "PATH": path}
    subprocess.run(
        [sys.executable, "-m", "dvc", "repro"],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
    )
