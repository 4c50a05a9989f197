"""Models straight from MLflow: ``runs:/`` and ``models:/name@alias`` URIs in [model].path,
read from a real local MLflow store; their run in the report's provenance; every way such a
URI can be unusable exits 2 with one line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sekit_cli.app import cli
from tests.checks.model.conftest import write_project
from tests.checks.model.models import FEATURES, clean_model, frames

pytestmark = pytest.mark.slow  # real MLflow runs and registries

HGB = ["sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor"]


def log_model(root: Path, model: Any, *, register: str | None = None) -> str:
    """Log ``model`` to the SQLite store ``root/mlflow.db``; its run id. The store is named by
    the environment variable for the block only (``mlflow.set_tracking_uri`` would leave it set
    for every later test)."""
    import mlflow
    from mlflow.models import infer_signature

    store = f"sqlite:///{root / 'mlflow.db'}"
    client = mlflow.MlflowClient(store)
    experiment = client.create_experiment("tests", artifact_location=(root / "mlruns").as_uri())
    run = client.create_run(experiment)
    train, _ = frames()
    example = train[FEATURES].head(3)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLFLOW_TRACKING_URI", store)
        patch.setenv("MLFLOW_DISABLE_TELEMETRY", "true")
        with mlflow.start_run(run_id=run.info.run_id):
            mlflow.sklearn.log_model(
                model,
                name="model",
                signature=infer_signature(example, model.predict(example)),
                skops_trusted_types=HGB,
                pip_requirements=["scikit-learn"],
            )
        if register:
            version = mlflow.register_model(f"runs:/{run.info.run_id}/model", register)
            client.set_registered_model_alias(register, "champion", version.version)
    return str(run.info.run_id)


def check_model(root: Path, path: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    config = root / "sekit.toml"
    config.write_text(config.read_text().replace('path = "model.joblib"', f'path = "{path}"'))
    monkeypatch.chdir(root)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    return CliRunner().invoke(cli, ["check", "model", "--quiet"])


def test_a_run_uri_is_checked_like_the_file_and_its_run_is_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = clean_model()
    write_project(tmp_path, model, behaviour="")
    run_id = log_model(tmp_path, model)
    result = check_model(tmp_path, f"runs:/{run_id}/model", monkeypatch)
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / ".sekit" / "report.json").read_text())
    expected = {"uri": f"runs:/{run_id}/model", "mlflow_run_id": run_id}
    assert report["provenance"]["model"] == expected
    config = tmp_path / "sekit.toml"
    config.write_text(config.read_text().replace(f"runs:/{run_id}/model", "model.joblib"))
    assert CliRunner().invoke(cli, ["check", "model", "--quiet"]).exit_code == 0
    by_file = json.loads((tmp_path / ".sekit" / "report.json").read_text())
    assert by_file["metrics"]["model.accuracy"] == report["metrics"]["model.accuracy"]
    assert "uri" not in by_file["provenance"]["model"]


def test_a_registry_alias_names_the_model_and_its_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = clean_model()
    write_project(tmp_path, model, behaviour="")
    run_id = log_model(tmp_path, model, register="model-test")
    result = check_model(tmp_path, "models:/model-test@champion", monkeypatch)
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / ".sekit" / "report.json").read_text())
    assert report["provenance"]["model"]["mlflow_run_id"] == run_id


def test_the_loaded_model_is_the_logged_one(tmp_path: Path) -> None:
    from sekit.subjects.mlflow_models import load_mlflow_model

    model = clean_model()
    run_id = log_model(tmp_path, model)
    loaded, lineage = load_mlflow_model(
        f"runs:/{run_id}/model", key="model.path", root=tmp_path, configured=None
    )
    train, _ = frames()
    assert (loaded.predict_proba(train[FEATURES]) == model.predict_proba(train[FEATURES])).all()
    assert lineage["mlflow_run_id"] == run_id


@pytest.mark.parametrize(
    ("path", "with_store", "expected"),
    [
        ("runs:/0123abcd/model", False, "no MLflow store to read it from"),
        ("runs:/0123abcd/model", True, "not found in the MLflow store"),
        ("models:/nobody@champion", True, "not found in the MLflow store"),
        ("models:/", False, "is not an MLflow model URI"),
    ],
)
def test_an_unusable_uri_exits_2_with_one_line(
    path: str,
    with_store: bool,
    expected: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    write_project(tmp_path, clean_model(), behaviour="")
    if with_store:
        log_model(tmp_path, clean_model())
    result = check_model(tmp_path, path, monkeypatch)
    assert result.exit_code == 2, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("sekit:")]
    assert len(errors) >= 1 and expected in result.stderr, result.stderr
    assert "Traceback" not in result.output
