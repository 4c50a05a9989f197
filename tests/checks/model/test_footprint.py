"""``model.footprint``: a model's size on disk and the memory its load takes, measured."""

from __future__ import annotations

import joblib
import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

from sekit.config.loader import load_config
from sekit.gate import collect_metrics, evaluate_gates
from sekit.runner import run_checks


def project(folder, weights: int):
    """A classifier carrying ``weights`` extra float64 weights (8 bytes each)."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=60), "y": [0, 1] * 30})
    frame.to_csv(folder / "train.csv", index=False)
    frame.to_csv(folder / "test.csv", index=False)
    model = LogisticRegression().fit(frame[["x"]], frame["y"])
    model.ballast_ = np.ones(weights)
    joblib.dump(model, folder / "model.joblib")
    (folder / "sekit.toml").write_text(
        '[project]\nname = "x"\n[data]\ntrain = "train.csv"\ntest = "test.csv"\nlabel = "y"\n'
        '[model]\npath = "model.joblib"\ntask = "classification"\n'
    )
    return load_config(folder / "sekit.toml")


def footprint(config):
    return next(r for r in run_checks(config, suites=["model"]) if r.id == "model.footprint")


def test_the_size_on_disk_and_the_memory_to_load_grow_with_the_model(tmp_path):
    small = footprint(project(tmp_path, 10)).metrics
    large = footprint(project(tmp_path, 2_000_000)).metrics  # 16 MB of weights
    assert small["model_bytes"] < 100_000 < 16_000_000 < large["model_bytes"]
    assert small["load_peak_bytes"] < 4_000_000 < 16_000_000 <= large["load_peak_bytes"]


def test_a_gate_on_the_size_blocks_a_model_too_large(tmp_path):
    project(tmp_path, 2_000_000)
    with (tmp_path / "sekit.toml").open("a") as handle:
        handle.write('[gates]\n"model.model_bytes" = { max = 1_000_000 }\n')
    config = load_config(tmp_path / "sekit.toml")
    results = run_checks(config, suites=["model"])
    (gate,) = evaluate_gates(collect_metrics(results), config.gates)
    assert not gate.passed and gate.value > 16_000_000
