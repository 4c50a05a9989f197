"""DVC-versioned inputs: a missing one says `dvc pull` (exit 2, one line); a present one is
recorded in the report with DVC's hash and whether the workspace matches it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sekit.dvcfiles import tracked
from sekit_cli.app import cli

CSV = "a,b,label\n" + "".join(f"{i},{i % 7},{'x' if i % 2 else 'y'}\n" for i in range(60))
CONFIG = """
[project]
name = "lineage"
[data]
train = "data/train.csv"
label = "label"
"""


def md5(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def dvc_project(root: Path, *, recorded: str, how: str = "lock") -> None:
    (root / ".dvc").mkdir()
    (root / "data").mkdir()
    (root / "sekit.toml").write_text(CONFIG)
    if how == "lock":
        (root / "dvc.lock").write_text(
            "schema: '2.0'\nstages:\n  features:\n    cmd: python -m x\n    outs:\n"
            f"    - path: data/train.csv\n      hash: md5\n      md5: {recorded}\n      size: 1\n"
        )
    else:  # dvc add data/train.csv
        (root / "data" / "train.csv.dvc").write_text(
            f"outs:\n- md5: {recorded}\n  size: 1\n  hash: md5\n  path: train.csv\n"
        )


@pytest.mark.parametrize("how", ["lock", "dvc add"])
def test_a_missing_versioned_file_names_dvc_pull(
    how: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dvc_project(tmp_path, recorded=md5(CSV), how=how)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", "data", "--quiet"])
    assert result.exit_code == 2, result.output
    [error] = [line for line in result.stderr.splitlines() if line.startswith("sekit: error:")]
    assert "file not found; it is versioned by DVC" in error and "run `dvc pull`" in error
    where = "dvc.lock, stage 'features'" if how == "lock" else "data/train.csv.dvc"
    assert where in error
    validate = CliRunner().invoke(cli, ["config", "validate"])
    assert validate.exit_code == 2 and "dvc pull" in validate.stderr


def test_an_unversioned_missing_file_keeps_the_plain_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sekit.toml").write_text(CONFIG)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", "data", "--quiet"])
    assert result.exit_code == 2
    assert "dvc" not in result.stderr and "file not found" in result.stderr


@pytest.mark.parametrize(("edited", "matches"), [(False, True), (True, False)])
def test_the_report_records_the_dvc_version_and_whether_it_matches(
    edited: bool, matches: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dvc_project(tmp_path, recorded=md5(CSV))
    text = CSV + "61,5,x\n" if edited else CSV
    (tmp_path / "data" / "train.csv").write_text(text)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", "data", "--quiet"])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / ".sekit" / "report.json").read_text())
    entry = report["provenance"]["data"]["data.train"]
    assert entry == {
        "path": "data/train.csv",
        "md5": md5(text),
        "dvc": "dvc.lock, stage 'features'",
        "dvc_md5": md5(CSV),
        "dvc_matches": matches,
    }
    for form in ("markdown", "html"):
        shown = CliRunner().invoke(cli, ["report", "--format", form]).stdout
        assert "Provenance" in shown and "data.train: data/train.csv" in shown
        assert ("DIFFERS from what DVC recorded" in shown) is edited


def test_the_model_sidecar_and_the_commit_are_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dulwich import porcelain

    from sekit.config.loader import load_config
    from sekit.provenance import record

    (tmp_path / "sekit.toml").write_text(
        CONFIG + '[model]\npath = "models/model.joblib"\ntask = "classification"\n'
    )
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "model.joblib").write_bytes(b"not read here")
    (tmp_path / "models" / "model.json").write_text(
        json.dumps({"mlflow_run_id": "abc123", "version": "abc.123", "params": {"a": 1}})
    )
    repo = porcelain.init(str(tmp_path))
    porcelain.add(repo, [str(tmp_path / "sekit.toml")])
    commit = porcelain.commit(repo, b"first", author=b"t <t@x>", committer=b"t <t@x>").decode()
    found = record(load_config(tmp_path))
    assert found["git_commit"] == commit
    assert found["model"]["mlflow_run_id"] == "abc123"
    assert found["model"]["version"] == "abc.123"
    assert "params" not in found["model"] and "dvc" not in found["model"]


def test_dvc_files_that_do_not_parse_mean_untracked(tmp_path: Path) -> None:
    (tmp_path / ".dvc").mkdir()
    (tmp_path / "dvc.lock").write_text("stages: [unclosed\n")
    (tmp_path / "x.csv.dvc").write_text(": not yaml : [\n")
    assert tracked(tmp_path / "x.csv") is None
    assert tracked(tmp_path / "elsewhere.csv") is None
