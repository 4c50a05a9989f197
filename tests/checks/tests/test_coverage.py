"""``tests.coverage``: the project's own tests, run by sekit with pytest-cov (real pytest in a
child process, on projects written for these tests)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from sekit.config.loader import load_config
from sekit.gate import collect_metrics, evaluate_gates
from sekit.results import Status
from sekit.runner import run
from sekit.subjects import testrun as measure

CODE = """
def add(a, b):
    return a + b


def sub(a, b):
    if a < b:
        return 0
    return a - b
"""
PASSING = """
from pkg import add, sub


def test_add():
    assert add(1, 2) == 3


def test_sub():
    assert sub(3, 1) == 2
"""
CONFIG = """
[project]
name = "cv"

[tests]
{extra}

[gates]
"tests.coverage" = {{ min = {bound} }}
"""


def project(
    tree: Callable[[dict[str, str | bytes]], Path],
    tests: str = PASSING,
    *,
    bound: float = 0.5,
    extra: str = "",
) -> Path:
    return tree(
        {
            "sekit.toml": CONFIG.format(bound=bound, extra=extra),
            "src/pkg/__init__.py": CODE,
            "tests/test_pkg.py": tests,
        }
    )


def gate(root: Path) -> tuple[Status, dict[str, float | None], bool]:
    config = load_config(root / "sekit.toml")
    report = run(config, gate=True, save=False)
    check = next(c for c in report.checks if c.id == "tests.coverage")
    return check.status, collect_metrics(report.checks), report.verdict == "pass"


def test_coverage_is_the_share_of_the_code_the_tests_run(tree) -> None:
    status, metrics, passed = gate(project(tree))
    # 6 statements in pkg: the branch `return 0` never runs -> 5 of 6
    assert status is Status.PASS
    assert metrics["tests.coverage"] == pytest.approx(5 / 6, abs=1e-3)
    assert metrics["tests.statements"] == 6
    assert metrics["tests.count"] == 2 and metrics["tests.failures"] == 0
    assert passed


def test_a_coverage_bound_blocks(tree) -> None:
    root = project(tree, bound=0.9)
    status, metrics, passed = gate(root)
    assert status is Status.PASS and not passed
    gates = evaluate_gates(metrics, load_config(root / "sekit.toml").gates)
    assert not gates[0].passed and "below the minimum 0.9" in gates[0].reason


def test_a_failing_test_fails_the_check_and_coverage_is_still_reported(tree) -> None:
    failing = PASSING + "\n\ndef test_wrong():\n    assert add(1, 1) == 3\n"
    status, metrics, passed = gate(project(tree, failing))
    assert status is Status.FAIL and not passed
    assert metrics["tests.failures"] == 1 and metrics["tests.count"] == 3
    assert metrics["tests.coverage"] == pytest.approx(5 / 6, abs=1e-3)


def test_test_files_are_not_code(tree) -> None:
    """Without src/, the project's folder is the source; its tests do not raise the share."""
    root = tree(
        {
            "sekit.toml": CONFIG.format(bound=0.1, extra=""),
            "pkg/__init__.py": CODE,
            "tests/test_pkg.py": PASSING,
            "tests/conftest.py": "",
        }
    )
    _, metrics, _ = gate(root)
    assert metrics["tests.statements"] == 6


def test_no_tests_is_an_error_never_a_pass(tree) -> None:
    status, metrics, passed = gate(project(tree, "# nothing here\n"))
    assert status is Status.ERROR and not passed
    assert "tests.coverage" not in metrics or metrics["tests.coverage"] is None


def test_a_suite_pytest_cannot_import_is_an_error(tree) -> None:
    broken = "import not_a_module_anywhere\n\n\ndef test_x():\n    pass\n"
    status, _, passed = gate(project(tree, broken))
    assert status is Status.ERROR and not passed


def test_the_time_limit_stops_the_tests(tree) -> None:
    slow = "import time\n\n\ndef test_slow():\n    time.sleep(60)\n"
    status, _, passed = gate(project(tree, slow, extra='timeout = "2s"'))
    assert status is Status.ERROR and not passed


def test_the_coverage_report_is_read_as_coverage_py_writes_it(tmp_path: Path) -> None:
    report = tmp_path / "coverage.json"
    report.write_text(
        json.dumps(
            {
                "totals": {"num_statements": 10, "covered_lines": 7, "percent_covered": 70.0},
                "files": {
                    "src/a.py": {
                        "summary": {"percent_covered": 50.0, "num_statements": 4},
                        "missing_lines": [3, 4],
                    }
                },
            }
        )
    )
    found = measure.read_coverage(report)
    assert found.share == 0.7 and found.statements == 10
    assert found.least_covered()[0].missing == (3, 4)
    report.write_text("{}")
    with pytest.raises(measure.CoverageUnreadable):
        measure.read_coverage(report)
