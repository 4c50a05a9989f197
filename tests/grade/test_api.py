"""`sekit grade`'s one call: what it returns for each thing asked, and what it refuses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sekit.errors import UsageError
from sekit.grade.api import run_grade
from sekit.grade.attest import Attestation
from sekit.grade.model import ClassReport, HistoryReport
from tests.grade.conftest import Repo

README = {"README.md": "# team\n"}


def test_each_request_returns_its_report(repo: Repo, tmp_path: Path) -> None:
    root = repo(README, commits=3)
    lines: list[str] = []
    graded = run_grade([root], db=tmp_path / "g.sqlite", progress=lines.append)
    assert isinstance(graded, ClassReport) and graded.collection is None
    assert lines == [f"[1/1] {root}"]
    assert isinstance(run_grade([root], history=True, every=1), HistoryReport)
    assert isinstance(run_grade([root], attest=True), Attestation)


MISUSES: list[tuple[str, dict[str, Any], str]] = [
    ("nothing", {}, "give at least one PATH"),
    ("seed", {"paths": ["."], "seed": 3}, "--sample and --seed only apply with --collect"),
    ("no sandbox", {"paths": ["."], "sandbox": False}, "--no-sandbox only applies with --run"),
    ("every", {"paths": ["."], "every": 2}, "--every only applies with --history"),
    ("history of two", {"paths": [".", "."], "history": True}, "--history grades one PATH"),
    ("attest with run", {"paths": ["."], "attest": True, "run": True}, "--attest grades one PATH"),
    ("collect and paths", {"paths": ["."], "collect": ".", "sample": 0}, "--collect DIR grades"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "given", "said"), MISUSES, ids=[m[0] for m in MISUSES])
def test_a_combination_that_makes_no_sense_is_refused_before_grading(
    case: str, given: dict[str, Any], said: str
) -> None:
    given = {
        k: [Path(p) for p in v] if k == "paths" else Path(v) if k == "collect" else v
        for k, v in given.items()
    }
    with pytest.raises(UsageError, match=said):
        run_grade(**given)
