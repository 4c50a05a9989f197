"""`sekit trace REQUEST_ID` on a real git repository and a real MLflow store: the served line,
the run tagged with its model version (and its registered alias), the pipeline commit, and the
training data with the stages that made it, read from the commit that recorded it in dvc.lock;
gaps make exit 1, an unknown request exits 2."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from sekit_cli.app import cli

pytestmark = pytest.mark.slow  # MLflow's store (a few seconds)

DATA_MD5 = "5d41402abc4b2a76b9719d911017c592"
LOCK = f"""schema: '2.0'
stages:
  gather:
    cmd: python -m demo.ingest
    outs:
    - path: data/raw/reviews.csv
      md5: 11111111111111111111111111111111
  features:
    cmd: python -m demo.features
    deps:
    - path: data/raw/reviews.csv
      md5: 11111111111111111111111111111111
    outs:
    - path: data/processed/train.csv
      md5: {DATA_MD5}
  train:
    cmd: python -m demo.train
    deps:
    - path: data/processed/train.csv
      md5: {DATA_MD5}
    outs:
    - path: models/model.joblib
      md5: 22222222222222222222222222222222
"""


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@localhost", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Code committed, trained (an MLflow run tagged as the scaffold's train stage tags it,
    registered as champion), then dvc.lock committed: DVC's order."""
    import mlflow

    root = tmp_path / "demo"
    root.mkdir()
    (root / "sekit.toml").write_text(
        '[project]\nname = "demo"\n\n[monitor]\nlog = "logs/requests.jsonl"\n'
        'feedback = "logs/feedback.csv"\n'
    )
    git(root, "init", "-q")
    git(root, "add", "sekit.toml")
    git(root, "commit", "-q", "-m", "code")
    code = git(root, "rev-parse", "HEAD")
    store = f"sqlite:///{root / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_DISABLE_TELEMETRY", "true")
    client = mlflow.MlflowClient(store, store)
    experiment = client.create_experiment("demo", (root / "mlruns").as_uri())
    run = client.create_run(experiment)
    for key, value in {"model_version": "abcd1234.5d41402a", "git_commit": code,
                       "data_md5": DATA_MD5}.items():  # fmt: skip
        client.set_tag(run.info.run_id, key, value)
    client.log_param(run.info.run_id, "model.max_leaf_nodes", "15")
    client.log_metric(run.info.run_id, "accuracy", 0.91)
    client.set_terminated(run.info.run_id)
    client.create_registered_model("demo")
    version = client.create_model_version("demo", f"runs:/{run.info.run_id}/model", run.info.run_id)
    client.set_registered_model_alias("demo", "champion", version.version)
    (root / "dvc.lock").write_text(LOCK)
    git(root, "add", "dvc.lock")
    git(root, "commit", "-q", "-m", "first model")
    (root / "logs").mkdir()
    lines = [
        {"request_id": "r1", "timestamp": "2026-12-01T10:00:00Z", "model_version":
         "abcd1234.5d41402a", "status": 200, "latency_ms": 12.5, "answer_label": "pos"},
        {"request_id": "r2", "timestamp": "2026-12-01T10:00:01Z", "model_version": "old.0000",
         "status": 200, "answer_label": "neg"},
    ]  # fmt: skip
    (root / "logs" / "requests.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    (root / "logs" / "feedback.csv").write_text("request_id,label\nr1,neg\n")
    monkeypatch.chdir(root)
    return root


def test_a_request_is_traced_to_its_run_commit_and_data(project: Path) -> None:
    result = CliRunner().invoke(cli, ["trace", "r1", "--format", "json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found["served"]["model_version"] == "abcd1234.5d41402a"
    assert found["feedback"] == "neg"
    assert found["run"]["params"] == {"model.max_leaf_nodes": "15"}
    assert found["run"]["registered"] == [{"name": "demo", "version": "1", "aliases": ["champion"]}]
    code, lock = (git(project, "rev-list", "--max-count=2", "HEAD").splitlines()[i] for i in (1, 0))
    assert found["commit"] == code and found["lock_commit"] == lock and not found["dirty"]
    assert found["data"] == {"path": "data/processed/train.csv", "md5": DATA_MD5}
    assert [s["stage"] for s in found["lineage"]] == ["features", "gather"]
    assert found["gaps"] == []
    text = CliRunner().invoke(cli, ["trace", "r1"])
    assert "training data: data/processed/train.csv" in text.output
    assert "models:/demo/1 (champion)" in text.output


def test_a_version_without_a_run_is_a_gap_and_exits_1(project: Path) -> None:
    result = CliRunner().invoke(cli, ["trace", "r2", "--format", "json"])
    assert result.exit_code == 1, result.output
    found = json.loads(result.stdout)
    assert found["run"] is None
    assert found["gaps"] == [f"no MLflow run in sqlite:///{project / 'mlflow.db'} is tagged "
                             "model_version = old.0000"]  # fmt: skip


def test_an_uncommitted_lock_answers_with_the_command_that_keeps_it(project: Path) -> None:
    """As the quick start leaves a project: `dvc repro` wrote dvc.lock, nobody committed it.
    The trace answers (exit 0) and says the one command that keeps the answer; --strict (CI)
    makes that exit 1."""
    git(project, "reset", "-q", "--hard", "HEAD~1")  # the lock's commit is gone ...
    git(project, "reflog", "expire", "--expire=now", "--all")
    git(project, "gc", "-q", "--prune=now")
    (project / "dvc.lock").write_text(LOCK)  # ... and the lock only in the working tree
    result = CliRunner().invoke(cli, ["trace", "r1", "--format", "json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found["data"]["path"] == "data/processed/train.csv"  # answered
    assert found["gaps"] == []
    assert found["caveats"] == [
        "the training data is recorded only in the working tree's dvc.lock, not in a commit: "
        "`git add dvc.lock && git commit -m 'Record the trained data'` keeps it"
    ]
    assert CliRunner().invoke(cli, ["trace", "r1", "--strict"]).exit_code == 1
    git(project, "add", "dvc.lock")
    git(project, "commit", "-q", "-m", "Record the trained data")
    assert CliRunner().invoke(cli, ["trace", "r1", "--strict"]).exit_code == 0


def test_a_request_of_the_load_test_is_found_beside_the_configured_log(project: Path) -> None:
    """A scaffolded project after `sekit gate`: no served traffic yet (logs/requests.jsonl is
    absent), the load test's requests are in logs/load-test.jsonl beside it."""
    served = project / "logs" / "requests.jsonl"
    (project / "logs" / "load-test.jsonl").write_text(served.read_text())
    served.unlink()
    result = CliRunner().invoke(cli, ["trace", "r1", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["log"] == "logs/load-test.jsonl"


def test_an_unknown_request_exits_2_in_one_line(project: Path) -> None:
    result = CliRunner().invoke(cli, ["trace", "nope"])
    assert result.exit_code == 2
    assert "request 'nope' is in none of the prediction logs (logs/requests.jsonl)" in (
        result.output
    )
    assert "Traceback" not in result.output


@pytest.mark.parametrize("committed", [True, False], ids=["committed", "working-tree"])
def test_a_lock_that_is_not_utf8_is_one_gap(project: Path, committed: bool) -> None:
    """A dvc.lock in Latin-1 (an editor's doing): a gap naming it, exit 1, never exit 3."""
    latin = LOCK.replace("cmd: python -m demo.ingest", "cmd: python -m demo.ingest # caf\xe9")
    if committed:
        (project / "dvc.lock").write_bytes(latin.encode("latin-1"))
        git(project, "commit", "-q", "--amend", "-a", "--no-edit")
    else:
        git(project, "reset", "-q", "--hard", "HEAD~1")
        git(project, "reflog", "expire", "--expire=now", "--all")
        git(project, "gc", "-q", "--prune=now")
        (project / "dvc.lock").write_bytes(latin.encode("latin-1"))
    result = CliRunner().invoke(cli, ["trace", "r1", "--format", "json"])
    assert result.exit_code == 1, result.output
    gaps = json.loads(result.stdout)["gaps"]
    assert gaps[-1].startswith("dvc.lock ") and gaps[-1].endswith(
        " is not UTF-8 text: DVC writes it in UTF-8"
    )
