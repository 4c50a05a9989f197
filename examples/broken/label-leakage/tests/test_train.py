"""Unit tests of training: reproducible, versioned, recorded."""

from __future__ import annotations

import json
from pathlib import Path

import joblib
import numpy as np

from clinic_ai import evaluate, features, ingest, sanitize, tracking, train
from clinic_ai.config import FEATURES, params


def test_training_is_reproducible(project: Path) -> None:
    train_rows, test_rows = features.split(sanitize.clean(ingest.download()))
    first = train.fit(train_rows, params()).predict(test_rows[FEATURES])
    second = train.fit(train_rows, params()).predict(test_rows[FEATURES])
    assert np.array_equal(first, second)


def test_a_run_is_recorded_with_the_model_version(project: Path) -> None:
    features.run(sanitize.run(ingest.run()))
    model, run_id = train.run()
    metrics = evaluate.run(run_id)
    saved = joblib.load(project / "models" / "model.joblib")
    meta = json.loads((project / "models" / "model.json").read_text())
    assert saved.model_version_ == meta["version"] == model.model_version_
    [run] = tracking.runs()
    assert run["model_version"] == meta["version"]
    assert run["data_hash"] == meta["data_hash"]
    assert run["metrics"] == metrics
    assert run["params"]["model"]["seed"] == 42
