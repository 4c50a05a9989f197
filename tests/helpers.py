"""Small builders shared by tests (imported as ``tests.helpers``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sekit import checks as registry
from sekit.checks.context import Context
from sekit.checks.spec import CheckSpec, Kind
from sekit.results import Finding, Outcome, Severity

MINIMAL_CONFIG = """
[project]
name = "demo"

[data]
train = "train.csv"
"""


class Bucket(list[CheckSpec]):
    """A suite's checks that a test fills (``isolated_suites``, ``fake_check``)."""

    def __call__(self) -> list[CheckSpec]:
        return list(self)


def fake_check(
    check_id: str,
    behaviour: Callable[[Context], Outcome] | None = None,
    *,
    metrics: dict[str, float] | None = None,
    findings: list[Finding] | None = None,
    engine: str = "native",
) -> CheckSpec:
    """Add a check to its suite (under ``isolated_suites``) that returns the given metrics and
    findings, or runs ``behaviour``."""
    suite = check_id.split(".", 1)[0]

    def body(ctx: Context) -> Outcome:
        return Outcome.from_findings(findings or [], "fake", metrics or {})

    made = CheckSpec(
        id=check_id,
        title=f"fake {check_id}",
        func=behaviour or body,
        engine=engine,
        kinds=tuple(fake_kind(name) for name in dict.fromkeys(f.kind for f in findings or [])),
    )
    found = registry.suites()
    bucket = found[suite].checks
    assert isinstance(bucket, Bucket), "fake_check needs the isolated_suites fixture"
    bucket.append(made)
    registry.use(found)  # forget the specs listed so far
    return made


_KINDS: dict[str, Kind] = {}


def fake_kind(name: str) -> Kind:
    """A declared kind for fake checks (one object per name, as a real kind is declared once)."""
    return _KINDS.setdefault(name, Kind(name, f"fake {name}", "why", "investigate", "fix"))


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
