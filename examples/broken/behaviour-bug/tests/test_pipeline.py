"""Integration test: the whole pipeline, from raw data to a model that meets its gates."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from clinic_ai import pipeline, predict, tracking
from clinic_ai.config import FEATURES


def test_the_pipeline_runs_end_to_end(project: Path) -> None:
    metrics = pipeline.run()
    assert metrics["accuracy"] >= 0.90
    assert metrics["f1_macro"] >= 0.90
    for produced in (
        "data/raw/breast_cancer.csv",
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
