"""An input that cannot be loaded is reported once, where it is loaded, not once per check:
remla25-team13/model-training keeps its reviews in a DVC remote (``output/reviews.tsv.dvc``);
before this, a first `sekit check` there repeated "run `dvc pull`" for each of 18 checks."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from sekit_cli.app import cli
from tests.conftest import make_tree

PROJECT = {
    ".dvc/config": "[core]\n    remote = gdrive\n",
    "output/reviews.tsv.dvc": "outs:\n- md5: 3a1f5c0d\n  size: 54000\n  path: reviews.tsv\n",
    "sekit.toml": (
        '[project]\nname = "model-training"\n\n[data]\ntrain = "output/reviews.tsv"\n'
        'label = "Liked"\n\n[model]\npath = "output/model.joblib"\ntask = "classification"\n'
    ),
}


def test_a_missing_dvc_file_is_one_finding(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    make_tree(PROJECT, tmp_path)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 2, result.output
    report = json.loads((tmp_path / ".sekit" / "report.json").read_text())
    naming = [f for c in report["checks"] for f in c["findings"] if "dvc pull" in f["message"]]
    assert len(naming) == 1
    assert "output/reviews.tsv.dvc" in naming[0]["message"]
    errored = [c for c in report["checks"] if c["status"] == "error"]
    # the model file the pipeline trains is missing too: a second input, reported once by
    # the one check that needs only the file (model.footprint)
    [model_file] = [c for c in errored if "model.joblib" in c["summary"]]
    assert model_file["id"] == "model.footprint" and "train the model" in model_file["summary"]
    errored = [c for c in errored if c is not model_file]
    assert len(errored) > 5  # fail closed: every check that needed the data blocks
    assert all(c["summary"].startswith("not run: ") for c in errored[1:])
    # the reason is the first check's: the others point at it instead of repeating it
    assert result.output.count("(reported by data.schema)") == len(errored) - 1
    assert "more checks did not run without that input" in result.output
