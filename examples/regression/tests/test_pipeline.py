"""Integration test: the whole pipeline, from raw data to a model that meets its gates."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from regression_demo import pipeline, predict, tracking
from regression_demo.config import FEATURES


def test_the_pipeline_runs_end_to_end(project: Path) -> None:
    metrics = pipeline.run()
    assert metrics["r2"] >= 0.30
    for produced in (
        "data/raw/diabetes.csv",
        "data/interim/clean.csv",
        "data/processed/train.csv",
        "data/processed/test.csv",
        "models/model.joblib",
        "models/model.json",
        "reports/metrics.json",
    ):
        assert (project / produced).exists(), produced
    assert len(tracking.runs()) == 1
    batch = predict.predict(pd.read_csv(project / "data/processed/test.csv")[FEATURES])
    assert batch["model_version"].nunique() == 1
