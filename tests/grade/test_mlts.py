"""ML Test Score arithmetic: automated 1, manual 0.5, skipped or failing 0, final = minimum."""

from __future__ import annotations

from sekit.grade import grade
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


def document(test_id: str) -> str:
    """A distinct write-up per test (a copy of another test's document earns nothing)."""
    return " ".join(f"{test_id} step {i} we checked {TESTS[test_id]} {i * 7}" for i in range(8))


def test_sections_sum_and_the_final_score_is_the_minimum(repo: Repo) -> None:
    files = {f"docs/mlts/{test_id}.md": document(test_id) for test_id in TESTS}
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
            {"id": "data.missing_values", "status": "pass"},
            {"id": "data.out_of_range", "status": "pass"},
            {"id": "data.unexpected_category", "status": "skipped"},
            {"id": "model.slices", "status": "warn"},
            {"id": "model.simple_baseline", "status": "fail"},
            {"id": "data.drift", "status": "pass"},
        ],
        "metrics": {},
    }
    result = score(Repository(root), junit={}, gate_report=report)
    assert result.tests["data-1"]["credit"] == 1.0
    assert result.tests["model-6"]["credit"] == 0.0  # a warn is not a pass
    assert result.tests["model-5"]["credit"] == 0.0
    assert result.tests["monitor-3"]["credit"] == 0.0  # drift without served data is no skew test
    assert "without data.production_rows" in result.tests["monitor-3"]["evidence"][0]
    report["metrics"] = {"data.production_rows": 500}
    assert score(Repository(root), junit={}, gate_report=report).tests["monitor-3"]["credit"] == 1.0
    report["checks"].append({"id": "data.out_of_range", "status": "warn"})
    report["checks"] = [
        c for c in report["checks"] if c != {"id": "data.out_of_range", "status": "pass"}
    ]
    assert score(Repository(root), junit={}, gate_report=report).tests["data-1"]["credit"] == 0.0


def test_checks_map_only_to_the_tests_the_paper_describes() -> None:
    from sekit.grade.mlts import sekit_checks

    SEKIT_CHECKS = sekit_checks()

    mapped = {check: test for test, checks in SEKIT_CHECKS.items() for check in checks}
    assert "data-3" not in SEKIT_CHECKS  # feature cost is not label leakage
    assert "monitor-5" not in SEKIT_CHECKS  # numerical stability is monitored, not a property
    assert mapped.get("data.label_leakage") is None
    assert mapped["model.simple_baseline"] == "model-5"


def test_committed_results_are_self_reported_and_earn_nothing(repo: Repo) -> None:
    forged = junit(
        ("tests.test_ml", "test_schema", "passed"),
        ("tests.test_ml", "test_beats_baseline", "passed"),
    )
    root = repo({"tests/test_ml.py": MARKED, "reports/junit.xml": forged})
    [team] = grade([root]).teams
    assert team.mlts is not None
    assert team.mlts.tests["data-1"]["credit"] == 0.0
    assert any("self-reported" in e for e in team.mlts.tests["data-1"]["evidence"])
    assert any("self-reported" in note for note in team.notes)


def test_one_filler_text_for_every_test_earns_nothing(repo: Repo) -> None:
    filler = "We have considered this aspect carefully and documented our approach. " * 6
    files = {f"docs/mlts/{test_id}.md": f"# {test_id}\n{filler}" for test_id in TESTS}
    files["docs/mlts/model-1.md"] = document("model-1")
    result = score(Repository(repo(files)), junit=None, gate_report=None)
    assert result.tests["model-1"]["credit"] == 0.5
    copied = [t for t in TESTS if t != "model-1"]
    assert all(result.tests[t]["credit"] == 0.0 for t in copied)
    assert "a copy of the document for" in result.tests["data-1"]["evidence"][0]


def test_untagged_tests_are_named_as_candidates(repo: Repo) -> None:
    root = repo(
        {"tests/test_monitoring.py": "def test_input_drift():\n    assert 1\n"},
    )
    result = score(Repository(root), junit=None, gate_report=None)
    evidence = result.tests["monitor-2"]["evidence"]
    assert result.tests["monitor-2"]["credit"] == 0.0
    assert evidence == [
        "candidate: tests/test_monitoring.py::test_input_drift: mark it "
        "@pytest.mark.mlts('monitor-2'); `sekit grade --run` then credits it when it passes"
    ]


def test_a_junit_bomb_is_refused() -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<testsuite><testcase classname="t" name="&b;"/></testsuite>'
    )
    assert junit_results(bomb) == {}


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
