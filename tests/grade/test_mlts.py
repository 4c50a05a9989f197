"""ML Test Score arithmetic: automated 1, manual 0.5, skipped or failing 0, final = minimum."""

from __future__ import annotations

from sekit.grade.mlts import TESTS, band, junit_results, score
from sekit.grade.repository import Repository
from tests.grade.conftest import Repo

WORDS = " ".join(["measured"] * 45)


def junit(*cases: tuple[str, str, str]) -> str:
    """JUnit XML as pytest writes it: (classname, name, outcome)."""
    body = ""
    for classname, name, outcome in cases:
        inner = {
            "failed": "<failure message='x'/>",
            "skipped": "<skipped message='x'/>",
            "passed": "",
        }[outcome]
        body += f'<testcase classname="{classname}" name="{name}" time="0.1">{inner}</testcase>'
    return (
        f'<?xml version="1.0"?><testsuites><testsuite name="pytest">{body}</testsuite></testsuites>'
    )


MARKED = """
import pytest

@pytest.mark.mlts("data-1")
def test_schema():
    pass

@pytest.mark.mlts("model-5")
def test_beats_baseline():
    pass

@pytest.mark.mlts("infra-1")
@pytest.mark.parametrize("seed", [1, 2])
def test_reproducible(seed):
    pass

@pytest.mark.mlts("monitor-2")
def test_invariants():
    pass
"""


def test_junit_parsing_maps_to_node_ids_and_parametrised_cases() -> None:
    results = junit_results(
        junit(
            ("tests.test_ml", "test_schema", "passed"),
            ("tests.test_ml", "test_reproducible[1]", "passed"),
            ("tests.test_ml", "test_reproducible[2]", "failed"),
            ("tests.test_ml.TestX", "test_m", "skipped"),
        )
    )
    assert results == {
        "tests/test_ml.py::test_schema": "passed",
        "tests/test_ml.py::test_reproducible": "failed",
        "tests/test_ml.py::test_m": "skipped",
    }
    assert junit_results("not xml <") == {}


def test_automated_credit_needs_green_runs(repo: Repo) -> None:
    root = repo({"tests/test_ml.py": MARKED})
    results = junit_results(
        junit(
            ("tests.test_ml", "test_schema", "passed"),
            ("tests.test_ml", "test_beats_baseline", "skipped"),
            ("tests.test_ml", "test_reproducible[1]", "passed"),
            ("tests.test_ml", "test_reproducible[2]", "failed"),
        )
    )
    result = score(Repository(root), junit=results, gate_report=None)
    assert result.tests["data-1"]["credit"] == 1.0
    assert result.tests["data-1"]["how"] == "automated"
    assert result.tests["model-5"]["credit"] == 0.0  # skipped earns nothing
    assert result.tests["infra-1"]["credit"] == 0.0  # one failing case: nothing
    assert result.tests["monitor-2"]["credit"] == 0.0  # tagged, never ran
    assert "tests/test_ml.py::test_invariants: not run" in result.tests["monitor-2"]["evidence"]


def test_manual_credit_from_documented_results(repo: Repo) -> None:
    root = repo(
        {
            "docs/mlts/monitor-4.md": f"# Staleness\n{WORDS}\n",
            "docs/mlts/monitor-5.md": f"# Stability\nTODO(team) {WORDS}\n",
            "docs/mlts/monitor-6.md": "# Too short\n",
        }
    )
    result = score(Repository(root), junit={}, gate_report=None)
    assert result.tests["monitor-4"] == {
        "title": TESTS["monitor-4"],
        "credit": 0.5,
        "how": "manual",
        "evidence": ["docs/mlts/monitor-4.md: documented"],
    }
    assert result.tests["monitor-5"]["credit"] == 0.0  # template text
    assert result.tests["monitor-6"]["credit"] == 0.0  # too thin to be evidence


def test_sections_sum_and_the_final_score_is_the_minimum(repo: Repo) -> None:
    files = {f"docs/mlts/{test_id}.md": WORDS for test_id in TESTS}
    files["tests/test_ml.py"] = MARKED
    root = repo(files)
    results = junit_results(
        junit(
            ("tests.test_ml", "test_schema", "passed"),
            ("tests.test_ml", "test_beats_baseline", "passed"),
        )
    )
    result = score(Repository(root), junit=results, gate_report=None)
    assert result.data == 0.5 * 6 + 1.0  # six manual, one automated
    assert result.model == 0.5 * 6 + 1.0
    assert result.infra == 3.5 and result.monitor == 3.5
    assert result.final == 3.5
    assert result.band.startswith("(3, 5]")


def test_sekit_gate_checks_count_as_automation_only_when_they_passed(repo: Repo) -> None:
    root = repo({"a.py": ""})
    report = {
        "checks": [
            {"id": "data.schema", "status": "pass"},
            {"id": "model.slices", "status": "fail"},
        ]
    }
    result = score(Repository(root), junit={}, gate_report=report)
    assert result.tests["data-1"]["credit"] == 1.0
    assert result.tests["model-6"]["credit"] == 0.0


def test_mapping_in_sekit_toml(repo: Repo) -> None:
    root = repo(
        {
            "sekit.toml": '[grade.mlts]\n"infra-3" = ["tests/test_p.py::test_end_to_end"]\n',
            "tests/test_p.py": "def test_end_to_end():\n    pass\n",
        }
    )
    results = {"tests/test_p.py::test_end_to_end": "passed"}
    assert (
        score(Repository(root), junit=results, gate_report=None).tests["infra-3"]["credit"] == 1.0
    )


def test_bands() -> None:
    assert band(0).startswith("0:")
    assert band(0.5).startswith("(0, 1]")
    assert band(2.0).startswith("(1, 2]")
    assert band(6).startswith("> 5")
