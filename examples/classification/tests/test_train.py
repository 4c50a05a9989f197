"""Unit tests of training: reproducible, versioned, recorded in MLflow."""

from __future__ import annotations

import json
from pathlib import Path

import joblib
import numpy as np

from classification_demo import evaluate, features, ingest, sanitize, train
from classification_demo.config import FEATURES, mlflow_uri, params


def test_training_is_reproducible(project: Path) -> None:
    train_rows, test_rows = features.split(sanitize.clean(ingest.download()))
    first = train.fit(train_rows, params()).predict(test_rows[FEATURES])
    second = train.fit(train_rows, params()).predict(test_rows[FEATURES])
    assert np.array_equal(first, second)


def test_a_run_is_recorded_in_mlflow_with_the_model(project: Path) -> None:
    import mlflow

    features.run(sanitize.run(ingest.run()))
    model, run_id = train.run()
    metrics = evaluate.run()
    saved = joblib.load(project / "models" / "model.joblib")
    meta = json.loads((project / "models" / "model.json").read_text())
    assert saved.model_version_ == meta["version"] == model.model_version_
    assert meta["data_md5"] == train.md5(project / "data" / "processed" / "train.csv")

    client = mlflow.MlflowClient(mlflow_uri())
    run = client.get_run(run_id)
    assert run.data.metrics == metrics
    assert run.data.params["model.seed"] == "42"
    assert run.data.tags["data_md5"] == meta["data_md5"]
    assert run.data.tags["model_version"] == meta["version"]
    logged = mlflow.sklearn.load_model(meta["mlflow_model_uri"])
    info = mlflow.models.get_model_info(meta["mlflow_model_uri"])
    assert info.signature is not None and info.saved_input_example_info is not None
    test_rows = features.split(sanitize.clean(ingest.download()))[1][FEATURES]
    assert np.array_equal(logged.predict(test_rows), saved.predict(test_rows))
