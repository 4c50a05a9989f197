"""Stage 4, train: a reproducible model (fixed seeds, parameters from params.toml).

The model carries its version (``model.model_version_``, also in models/model.json), and the run
is recorded in the tracking store with the parameters, the data's hash and the git commit.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import joblib
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier as Estimator
from sklearn.pipeline import Pipeline

from clinic_ai import tracking
from clinic_ai.config import FEATURES, LABEL, NUMERIC, params, paths
from clinic_ai.features import preprocessor

log = logging.getLogger(__name__)


def build(settings: dict[str, Any]) -> Pipeline:
    model = settings["model"]
    monotonic = model.get("monotonic", {})
    estimator = Estimator(
        max_iter=model["max_iter"],
        learning_rate=model["learning_rate"],
        max_leaf_nodes=model["max_leaf_nodes"],
        min_samples_leaf=model["min_samples_leaf"],
        l2_regularization=model["l2_regularization"],
        # one constraint per column the preprocessor passes on, in its order
        monotonic_cst=[monotonic.get(name, 0) for name in NUMERIC],
        random_state=model["seed"],
    )
    return Pipeline([("features", preprocessor()), ("model", estimator)])


def fit(train: pd.DataFrame, settings: dict[str, Any]) -> Pipeline:
    return build(settings).fit(train[FEATURES], train[LABEL])


def run() -> tuple[Pipeline, int]:
    settings = params()
    data_hash = tracking.file_hash(paths().train)
    run_id = tracking.start_run(settings, data_hash)
    model = fit(pd.read_csv(paths().train), settings)
    version = f"{run_id}.{data_hash[:8]}"
    model.model_version_ = version
    paths().model.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, paths().model)
    meta = {
        "version": version,
        "run": run_id,
        "data_hash": data_hash,
        "git_commit": tracking.git_commit(),
        "params": settings,
    }
    paths().model_meta.write_text(json.dumps(meta, indent=2) + "\n")
    tracking.finish_run(run_id, model_version=version)
    log.info("train: model %s written to %s (run #%d)", version, paths().model, run_id)
    return model, run_id
