"""Running a project's pytest suite with coverage (pytest-cov), and reading what it measured.

Used by ``sekit check tests`` (the team's own run, its coverage configuration respected) and by
``sekit grade --run`` (inside the sandbox, with sekit's configuration: :data:`GRADER_RC`, so
that a team's ``omit`` cannot leave its untested code out of the grade).

The share is coverage.py's own total (statements, and branches with ``branch``), over the code
named as the source; test files, ``conftest.py`` and ``setup.py`` are never counted as code.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TEST_FILES = (
    "*/tests/*",
    "*/test/*",
    "*/test_*.py",
    "*_test.py",
    "*/conftest.py",
    "*/setup.py",
)
GRADER_RC = "[run]\nomit =\n" + "".join(f"    {pattern}\n" for pattern in TEST_FILES)
"""The coverage configuration of ``sekit grade --run``: the team's own is not read."""
NESTED = "SEKIT_TESTS_RUNNING"  # set for the tests sekit runs: a test that runs sekit gate


class CoverageUnreadable(ValueError):
    """coverage.py's JSON report is missing or not what coverage.py writes."""


@dataclass(frozen=True)
class FileCoverage:
    """Coverage of one source file: its share, its statements and the lines not run."""

    path: str
    share: float
    statements: int
    missing: tuple[int, ...]


@dataclass(frozen=True)
class Coverage:
    """coverage.py's totals: the share covered (0-1), of how many statements (and branches)."""

    share: float
    statements: int
    covered: int
    branches: int | None = None
    files: tuple[FileCoverage, ...] = ()

    def describe(self) -> str:
        """``87.5% (700 of 800 statements and 120 branches)``."""
        what = f"{self.covered} of {self.statements} statements"
        if self.branches:
            what += f" and {self.branches} branches"
        return f"{self.share:.1%} ({what})"

    def least_covered(self, count: int = 5) -> list[FileCoverage]:
        """The ``count`` files with the smallest share that have lines not run."""
        uncovered = [f for f in self.files if f.missing]
        return sorted(uncovered, key=lambda f: (f.share, -len(f.missing)))[:count]


def read_coverage(path: Path, root: Path | None = None) -> Coverage:
    """The totals and per-file shares of coverage.py's JSON report (``--cov-report=json``)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        totals = data["totals"]
        statements = int(totals["num_statements"])
        covered = int(totals["covered_lines"])
        percent = float(totals["percent_covered"])
    except FileNotFoundError:
        raise CoverageUnreadable(f"{path}: coverage.py wrote no report") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise CoverageUnreadable(f"{path}: not coverage.py's JSON report ({exc})") from None
    branches = totals.get("num_branches")
    files = []
    for name, entry in (data.get("files") or {}).items():
        summary = entry.get("summary", {}) if isinstance(entry, dict) else {}
        relative = name
        if root is not None:
            with contextlib.suppress(ValueError):
                relative = Path(name).resolve().relative_to(root.resolve()).as_posix()
        files.append(
            FileCoverage(
                relative,
                float(summary.get("percent_covered", 0.0)) / 100,
                int(summary.get("num_statements", 0)),
                tuple(int(n) for n in entry.get("missing_lines", ())[:50]),
            )
        )
    share = percent / 100 if statements or branches else 0.0
    return Coverage(
        round(share, 6), statements, covered, int(branches) if branches else None, tuple(files)
    )


def team_configures_coverage(root: Path) -> bool:
    """Whether the project has its own coverage.py configuration (``.coveragerc``,
    ``[tool.coverage]``, ``[coverage:run]`` in setup.cfg or tox.ini)."""
    import tomllib

    if (root / ".coveragerc").is_file():
        return True
    for name in ("setup.cfg", "tox.ini"):
        path = root / name
        if path.is_file() and "[coverage:" in path.read_text(encoding="utf-8", errors="replace"):
            return True
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            return False
        return "coverage" in data.get("tool", {})
    return False


def default_source(root: Path) -> list[str]:
    """``src/`` when the project has one, else the project's folder."""
    return ["src"] if (root / "src").is_dir() else ["."]


def pytest_arguments(
    *,
    source: list[str],
    report: Path,
    junit: Path | None = None,
    branch: bool = False,
    rcfile: Path | None = None,
) -> list[str]:
    """pytest's arguments that measure coverage of ``source`` into a JSON ``report``."""
    args = ["-p", "pytest_cov", *(f"--cov={s}" for s in source)]
    args += [f"--cov-report=json:{report}", "--cov-report="]  # no terminal table
    if branch:
        args.append("--cov-branch")
    if rcfile is not None:
        args.append(f"--cov-config={rcfile}")
    if junit is not None:
        args.append(f"--junitxml={junit}")
    return args


def pytest_cov_missing() -> str | None:
    """Why pytest with pytest-cov cannot run in this environment, or None."""
    for module, package in (("pytest", "pytest"), ("pytest_cov", "pytest-cov")):
        if importlib.util.find_spec(module) is None:
            return f"{package} is not installed in this environment ({sys.executable})"
    return None


@dataclass(frozen=True)
class Outcome:
    """One test that did not pass: its id and the first line of why."""

    test: str
    message: str


@dataclass
class TestRun:
    """What one run of the tests gave: pytest's exit code (None when stopped at the time
    limit), the tests counted from its JUnit report, and the coverage it measured."""

    exit_code: int | None
    duration_s: float
    output: str
    tests: int = 0
    failed: list[Outcome] = field(default_factory=list)
    skipped: int = 0
    coverage: Coverage | None = None
    coverage_error: str | None = None


def read_junit(path: Path) -> tuple[int, list[Outcome], int]:
    """(tests, those failed or in error, skipped) from pytest's JUnit XML (defusedxml)."""
    import defusedxml.ElementTree as SafeET
    from defusedxml import DefusedXmlException

    try:
        tree = SafeET.parse(path)
    except (OSError, SafeET.ParseError, DefusedXmlException):
        return 0, [], 0
    tests, skipped, failed = 0, 0, []
    for case in tree.getroot().iter("testcase"):
        tests += 1
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if problem is not None:
            name = f"{case.get('classname', '')}::{case.get('name', '')}"
            message = (problem.get("message") or problem.text or "").strip().splitlines()
            failed.append(Outcome(name, message[0][:200] if message else ""))
        elif case.find("skipped") is not None:
            skipped += 1
    return tests, failed, skipped


def run_tests(
    root: Path,
    *,
    workdir: Path,
    paths: list[str],
    source: list[str],
    args: list[str],
    branch: bool,
    timeout: float,
) -> TestRun:
    """Run ``python -m pytest`` in ``root`` (a child process group, stopped at ``timeout``)
    with coverage of ``source``. The team's coverage configuration applies; without one,
    sekit's (:data:`GRADER_RC`: test files are not code)."""
    from sekit import processes

    workdir.mkdir(parents=True, exist_ok=True)
    report, junit, log_path = (
        workdir / "coverage.json",
        workdir / "junit.xml",
        workdir / "pytest.log",
    )
    for stale in (report, junit):
        stale.unlink(missing_ok=True)
    rcfile = None
    if not team_configures_coverage(root):
        rcfile = workdir / "coveragerc"
        rcfile.write_text(GRADER_RC, encoding="utf-8")
    argv = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        *pytest_arguments(source=source, report=report, junit=junit, branch=branch, rcfile=rcfile),
        *args,
        *paths,
    ]
    env = dict(os.environ)
    env[NESTED] = "1"
    env["PYTHONPATH"] = os.pathsep.join(
        [str(root / "src"), str(root), *filter(None, [env.get("PYTHONPATH")])]
    )
    start = time.monotonic()
    with log_path.open("wb") as log:
        process = processes.spawn(argv, cwd=root, log=log, env=env)
        try:
            code = processes.wait(process, timeout)
        finally:
            if process.poll() is None:  # the time limit, or an interrupt: stop the group
                processes.stop(process)
    output = log_path.read_text(encoding="utf-8", errors="replace")
    run = TestRun(code, round(time.monotonic() - start, 2), output[-4000:])
    run.tests, run.failed, run.skipped = read_junit(junit)
    try:
        run.coverage = read_coverage(report, root)
    except CoverageUnreadable as exc:
        run.coverage_error = str(exc)
    return run


def tail(text: str, lines: int = 3) -> str:
    """The last non-empty lines of pytest's output, on one line."""
    kept = [line.strip() for line in text.splitlines() if line.strip()]
    return " | ".join(kept[-lines:])


def as_evidence(run: TestRun) -> dict[str, Any]:
    """What a finding keeps of a test run: exit code, counts, the first failures, coverage."""
    coverage = run.coverage
    return {
        "exit_code": run.exit_code,
        "tests": run.tests,
        "failed": [f"{f.test}: {f.message}" for f in run.failed[:10]],
        "skipped": run.skipped,
        "statements": coverage.statements if coverage else None,
        "least_covered": [
            {"file": f.path, "share": round(f.share, 3), "missing_lines": list(f.missing[:20])}
            for f in (coverage.least_covered() if coverage else [])
        ],
    }


__all__ = [
    "GRADER_RC",
    "Coverage",
    "CoverageUnreadable",
    "TestRun",
    "default_source",
    "pytest_arguments",
    "read_coverage",
    "run_tests",
]
