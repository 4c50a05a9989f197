"""The pipeline: dvc.yaml wires the stages the code has, and the stages, run in order, make a
model that meets its gates."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import yaml

from regression_demo import evaluate, features, ingest, predict, sanitize, train
from regression_demo.config import FEATURES

ROOT = Path(__file__).resolve().parents[1]


def test_dvc_yaml_runs_each_stage_module_on_what_it_reads() -> None:
    stages = yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"]
    assert list(stages) == ["gather", "sanitize", "features", "train", "evaluate"]
    for name, stage in stages.items():
        module = stage["cmd"].removeprefix("python -m regression_demo.")
        assert (ROOT / "src" / "regression_demo" / f"{module}.py").is_file(), name
        assert f"src/regression_demo/{module}.py" in stage["deps"], name
    # each stage reads what the one before it wrote
    for before, after in zip(list(stages)[:-1], list(stages)[1:], strict=True):
        assert set(stages[before]["outs"]) & set(stages[after]["deps"]), (before, after)


def test_the_stages_run_end_to_end(project: Path) -> None:
    ingest.run()
    sanitize.run()
    features.run()
    _, run_id = train.run()
    metrics = evaluate.run()
    assert metrics["r2"] >= 0.30
    for produced in (
        "data/raw/diabetes.csv",
        "data/interim/clean.csv",
        "data/golden/golden.csv",
        "data/processed/train.csv",
        "data/processed/test.csv",
        "models/model.joblib",
        "models/model.json",
        "reports/metrics.json",
    ):
        assert (project / produced).exists(), produced
    assert json.loads((project / "reports/metrics.json").read_text()) == metrics
    assert json.loads((project / "models/model.json").read_text())["mlflow_run_id"] == run_id
    golden = set(sanitize.keys(pd.read_csv(project / "data/golden/golden.csv")))
    trained = set(sanitize.keys(pd.read_csv(project / "data/processed/train.csv")))
    assert golden and not golden & trained  # the golden rows are never trained on
    batch = predict.predict(pd.read_csv(project / "data/processed/test.csv")[FEATURES])
    assert batch["model_version"].nunique() == 1
