"""The pytest plugin: a team's own behaviour tests with sekit's fixtures and strategies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.checks.model.conftest import write_project
from tests.checks.model.models import ProbabilitiesOff

ROOT = Path(__file__).resolve().parents[1]

TEAM_TESTS = """
import numpy as np
import pytest
from hypothesis import given, settings


def test_fixtures_come_from_sekit_toml(sekit_config, sekit_train, sekit_test, sekit_schema):
    assert sekit_config.project.name == "model-test"
    assert len(sekit_train) > len(sekit_test) > 100
    assert sekit_schema["worst area"].max == 4500


@pytest.mark.mlts("model-4")
def test_probabilities_sum_to_one(sekit_model, sekit_frames):
    @settings(max_examples=40, deadline=None, database=None, derandomize=True)
    @given(sekit_frames)
    def check(frame):
        proba = sekit_model.predict_proba(frame)
        assert np.abs(proba.sum(axis=1) - 1).max() < 1e-6

    check()


def test_rows_respect_the_schema(sekit_model, sekit_rows, sekit_schema):
    @settings(max_examples=60, deadline=None, database=None)
    @given(sekit_rows)
    def check(row):
        spec = sekit_schema["mean texture"]
        assert spec.min <= row["mean texture"] <= spec.max
        assert row["batch"] in (1, 2, 3, 4)

    check()
"""


@pytest.mark.slow
def test_a_team_writes_behaviour_tests_with_the_fixtures(
    pytester: pytest.Pytester, clean: Any
) -> None:
    write_project(pytester.path, clean, behaviour="")
    pytester.makepyfile(test_team=TEAM_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=3)


@pytest.mark.slow
def test_a_broken_model_fails_with_the_falsifying_example(
    pytester: pytest.Pytester, clean: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHONPATH", str(ROOT))  # the buggy model's class lives in tests/
    write_project(pytester.path, ProbabilitiesOff(clean), behaviour="")
    pytester.makepyfile(test_team=TEAM_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(passed=2, failed=1)
    output = result.stdout.str()
    assert "Failing test case" in output or "Falsifying example" in output
    # Hypothesis shrank it to one row whose only non-minimal value is the one that matters
    result.stdout.fnmatch_lines(["*frame=_frame([[]{'mean radius': 5.0*'worst symmetry': 0.*"])


@pytest.mark.slow  # a pytest in a subprocess
def test_fixtures_without_a_config_fail_with_a_clear_message(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_x="def test_x(sekit_model):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-q")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*sekit: no sekit.toml*"])


def test_the_plugin_is_registered_by_entry_point() -> None:
    from importlib.metadata import entry_points

    assert any(p.value == "sekit.pytest_plugin" for p in entry_points(group="pytest11"))
