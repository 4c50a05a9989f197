"""--collect's sampled re-run, for real: the teams' gates run again in bubblewrap and a report
whose gate claims what the re-run does not find is flagged; honest reports are accepted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sekit_cli.app import cli
from tests.grade.conftest import git_repo

pytestmark = pytest.mark.bwrap

CONFIG = """[project]
name = "{name}"

[data]
train = "data/train.csv"
label = "y"

[data.columns.a]
type = "float"
nullable = false

[gates]
"data.missing_ratio" = {{ max = 0.0 }}
"""
CLEAN = "a,b,y\n" + "".join(f"{i}.5,{i % 7},{i % 2}\n" for i in range(60))
HOLES = "a,b,y\n" + "".join(f"{'' if i % 5 == 0 else i},{i % 7},{i % 2}\n" for i in range(60))


def _team(root: Path, data: str) -> Path:
    files: dict[str, str | bytes] = {
        ".gitignore": ".sekit/\n",
        "sekit.toml": CONFIG.format(name=root.name),
        "data/train.csv": data,
        "tests/test_data.py": "def test_rows():\n    assert True\n",
    }
    git_repo(root, files, commits=1)
    # the team's CI: the gate, then the bound report (sekit as a program, as CI runs it)
    subprocess.run([sys.executable, "-m", "sekit", "gate"], cwd=root, capture_output=True)
    attested = CliRunner().invoke(
        cli, ["grade", str(root), "--attest", str(root / ".sekit/attestation.json")]
    )
    assert attested.exit_code == 0, attested.output
    return root


def test_a_forged_gate_is_caught_when_sampled(tmp_path: Path) -> None:
    klass = tmp_path / "class"
    _team(klass / "clean", CLEAN)
    _team(klass / "holes", HOLES)
    forger = _team(klass / "forger", HOLES)
    report = json.loads((forger / ".sekit/attestation.json").read_text())
    assert report["gate"]["verdict"] == "fail"
    report["gate"]["verdict"] = "pass"
    report["gate"]["checks"] = dict.fromkeys(report["gate"]["checks"], "pass")
    (forger / ".sekit/attestation.json").write_text(json.dumps(report))
    result = CliRunner().invoke(
        cli,
        [
            "grade",
            "--collect",
            str(klass),
            "--sample",
            "1",
            "--seed",
            "7",
            "--format",
            "json",
            "--db",
            str(tmp_path / "g.db"),
            "--timeout",
            "300",
        ],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    found = {Path(t["path"]).name: t["collected"] for t in document["teams"]}
    assert found["clean"]["status"] == "accepted" and found["clean"]["rerun"]
    assert found["holes"]["status"] == "accepted" and found["holes"]["rerun"]
    assert found["forger"]["status"] == "differs"
    assert "gate data.missing_values: pass reported, fail on re-run" in found["forger"]["reasons"]
    assert document["collection"]["sampled"] == ["clean", "forger", "holes"]
