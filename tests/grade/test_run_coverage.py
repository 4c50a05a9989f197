"""`sekit grade --run` measures the coverage of the team's code in the sandbox, with sekit's
coverage configuration: a team's own `omit` cannot leave its untested code out."""

from __future__ import annotations

import pytest

from sekit.grade import grade
from tests.grade.conftest import Repo
from tests.grade.test_run import bwrap, options

pytestmark = pytest.mark.bwrap
__all__ = ["bwrap"]

CODE = "def used(x):\n    return x + 1\n\n\ndef unused(x):\n    return x - 1\n"
TESTS = "from pkg import used\n\n\ndef test_used():\n    assert used(1) == 2\n"


def test_run_measures_coverage_in_the_sandbox(repo: Repo, bwrap: str) -> None:
    root = repo(
        {
            "src/pkg/__init__.py": CODE,
            "tests/test_pkg.py": TESTS,
            # the team's own configuration would leave the untested module out
            "pyproject.toml": '[tool.coverage.run]\nomit = ["src/pkg/*"]\n',
        }
    )
    [team] = grade([root], run=options(bwrap)).teams
    assert team.run is not None and team.run.coverage is not None
    assert team.run.coverage.share == pytest.approx(3 / 4)  # 3 of the 4 statements run
    item = next(i for i in team.items if i.id == "tests.coverage")
    assert "measured in the sandbox: 75.0% of 4 statements" in item.evidence
    assert item.status == "partial"  # measured, but no CI measures it
