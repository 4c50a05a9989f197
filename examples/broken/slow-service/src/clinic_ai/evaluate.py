"""Stage 5, evaluate: the model's metrics on the held-out test set, to reports/metrics.json
and into the run's record."""

from __future__ import annotations

import json
import logging
from typing import Any

import joblib
import pandas as pd
from sklearn import metrics

from clinic_ai import tracking
from clinic_ai.config import FEATURES, LABEL, paths

log = logging.getLogger(__name__)


def scores(model: Any, test: pd.DataFrame) -> dict[str, float]:
    predicted = model.predict(test[FEATURES])
    proba = model.predict_proba(test[FEATURES])[:, 1]
    positive = model.classes_[1]
    return {
        "accuracy": float(metrics.accuracy_score(test[LABEL], predicted)),
        "f1_macro": float(metrics.f1_score(test[LABEL], predicted, average="macro")),
        "roc_auc": float(metrics.roc_auc_score(test[LABEL] == positive, proba)),
    }


def run(run_id: int | None = None) -> dict[str, float]:
    model = joblib.load(paths().model)
    result = scores(model, pd.read_csv(paths().test))
    result = {name: round(value, 4) for name, value in result.items()}
    paths().metrics.parent.mkdir(parents=True, exist_ok=True)
    paths().metrics.write_text(
        json.dumps({"model_version": model.model_version_, "metrics": result}, indent=2) + "\n"
    )
    if run_id is not None:
        tracking.finish_run(run_id, metrics=result)
    log.info("evaluate: %s", ", ".join(f"{k} {v:.3f}" for k, v in result.items()))
    return result
