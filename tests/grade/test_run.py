"""`sekit grade --run`: the team's tests really run (in a subprocess, with a time limit) and
only green runs earn automated ML Test Score credit."""

from __future__ import annotations

import pytest

from sekit.grade import grade
from tests.grade.conftest import Repo

pytestmark = pytest.mark.slow

TESTS = """
import time

import pytest


@pytest.mark.mlts("infra-1")
def test_reproducible():
    assert 1 + 1 == 2


@pytest.mark.mlts("infra-2")
def test_broken():
    assert False


@pytest.mark.mlts("infra-3")
@pytest.mark.skip(reason="later")
def test_skipped():
    pass
"""


def test_run_executes_the_tests_and_credits_only_green_ones(repo: Repo) -> None:
    root = repo({"tests/test_ml.py": TESTS})
    without = grade([root]).teams[0]
    assert without.mlts is not None and without.mlts.tests["infra-1"]["credit"] == 0.0
    [team] = grade([root], run=True, run_limit=120).teams
    assert team.mlts is not None
    assert team.mlts.tests["infra-1"]["credit"] == 1.0
    assert team.mlts.tests["infra-2"]["credit"] == 0.0
    assert team.mlts.tests["infra-3"]["credit"] == 0.0
    assert "pytest exited 1" in team.notes
    assert any(note.startswith("sekit gate exited 2") for note in team.notes)


def test_a_run_past_the_time_limit_is_stopped(repo: Repo) -> None:
    root = repo({"tests/test_slow.py": "import time\n\ndef test_forever():\n    time.sleep(600)\n"})
    [team] = grade([root], run=True, run_limit=3).teams
    assert "the tests ran past 3s and were stopped" in team.notes
    assert team.score is not None
