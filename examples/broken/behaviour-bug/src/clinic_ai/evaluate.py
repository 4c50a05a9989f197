"""Stage 5, evaluate: the model's metrics on the held-out test set, to reports/metrics.json
(DVC's metrics file: ``dvc metrics show``, ``dvc metrics diff``) and into the model's MLflow
run; ``python -m clinic_ai.evaluate``."""

from __future__ import annotations

import json
import logging
import os
from typing import Any

import joblib
import pandas as pd
from sklearn import metrics

from clinic_ai.config import FEATURES, LABEL, mlflow_uri, paths

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


def log_to_mlflow(run_id: str, result: dict[str, float]) -> None:
    """Add the metrics to the run that trained the model (when this store has it)."""
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    import mlflow
    from mlflow.exceptions import MlflowException

    mlflow.set_tracking_uri(mlflow_uri())
    try:
        with mlflow.start_run(run_id=run_id):
            mlflow.log_metrics(result)
    except MlflowException as exc:  # a model trained on another machine, pulled with DVC
        log.warning("evaluate: MLflow run %s not in %s (%s)", run_id, mlflow_uri(), exc)


def run() -> dict[str, float]:
    model = joblib.load(paths().model)
    meta = json.loads(paths().model_meta.read_text())
    result = scores(model, pd.read_csv(paths().test))
    result = {name: round(value, 4) for name, value in result.items()}
    paths().metrics.parent.mkdir(parents=True, exist_ok=True)
    paths().metrics.write_text(json.dumps(result, indent=2) + "\n")
    log_to_mlflow(meta["mlflow_run_id"], result)
    log.info(
        "evaluate: model %s: %s",
        meta["version"],
        ", ".join(f"{k} {v:.3f}" for k, v in result.items()),
    )
    return result


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    run()


if __name__ == "__main__":
    main()
