"""Stage 4, train: a reproducible model (fixed seeds, parameters from ``[model]`` in
params.toml); ``python -m classification_demo.train``.

Every run is logged to MLflow (``mlflow ui`` shows them): the parameters, the MD5 of the
training data (the hash DVC records for data/processed/train.csv in dvc.lock), the git commit,
and the model with its signature and an input example. The model also goes to
models/model.joblib (what the service and sekit load, versioned by DVC), with its version and
its MLflow run id in models/model.json.

Each trained model is a new version of the project's registered model in MLflow's model
registry, with the alias ``challenger``; the first one is also the ``champion`` (the deployed
model). release.py promotes a challenger or rolls back.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
from pathlib import Path
from typing import Any

import joblib
import pandas as pd
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier as Estimator
from sklearn.pipeline import Pipeline

from classification_demo.config import FEATURES, LABEL, NUMERIC, mlflow_uri, params, paths
from classification_demo.features import preprocessor

log = logging.getLogger(__name__)
EXPERIMENT = "classification-demo"
# the registered model: its alias champion (models:/<name>@champion) is the deployed one
REGISTERED = "classification-demo"


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


def md5(path: Path) -> str:
    """The file's MD5: the hash DVC records for it in dvc.lock."""
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def git_commit() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", *args], capture_output=True, text=True, check=True, cwd=paths().root
        )
        return done.stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
        return commit + "-dirty" if git("status", "--porcelain", "--untracked-files=no") else commit
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def flat(settings: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"model": {"seed": 42}}`` -> ``{"model.seed": 42}``: MLflow's parameter names."""
    out: dict[str, Any] = {}
    for key, value in settings.items():
        if isinstance(value, dict):
            out.update(flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def register(client: Any, run_id: str) -> str:
    """Point the alias ``challenger`` at this run's registry version (and ``champion`` too when
    no model is deployed yet); the version number."""
    from mlflow.exceptions import MlflowException

    found = client.search_model_versions(f"name = '{REGISTERED}' and run_id = '{run_id}'")
    version = str(max(int(v.version) for v in found))
    client.set_registered_model_alias(REGISTERED, "challenger", version)
    try:
        client.get_model_version_by_alias(REGISTERED, "champion")
    except MlflowException:  # the first model: nothing is deployed yet
        client.set_registered_model_alias(REGISTERED, "champion", version)
    client.set_model_version_tag(REGISTERED, version, "model_version", model_version(run_id))
    return version


def model_version(run_id: str) -> str:
    return f"{run_id[:8]}.{md5(paths().train)[:8]}"


def run() -> tuple[Pipeline, str]:
    """Train, save, and log the run to MLflow; the model and the run's id."""
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    import mlflow
    from mlflow.models import infer_signature

    settings = params()
    train = pd.read_csv(paths().train)
    data_md5 = md5(paths().train)
    mlflow.set_tracking_uri(mlflow_uri())
    if "MLFLOW_TRACKING_URI" not in os.environ and not mlflow.get_experiment_by_name(EXPERIMENT):
        # the local store keeps the models beside it (a server chooses its own place)
        mlflow.create_experiment(EXPERIMENT, (paths().root / "mlruns").as_uri())
    mlflow.set_experiment(EXPERIMENT)
    with mlflow.start_run() as active:
        run_id = active.info.run_id
        mlflow.log_params(flat(settings))
        mlflow.set_tags({"data_md5": data_md5, "git_commit": git_commit(), "stage": "train"})
        model = fit(train, settings)
        version = model_version(run_id)
        model.model_version_ = version
        # what the service answers when the model fails or is too slow (serve.py)
        shares = train[LABEL].value_counts(normalize=True)
        model.fallback_ = {
            LABEL: str(shares.index[0]),
            "probability": round(float(shares.iloc[0]), 4),
        }
        example = train[FEATURES].head(5)
        mlflow.sklearn.log_model(
            model,
            name="model",
            signature=infer_signature(example, model.predict(example)),
            input_example=example,
            # MLflow saves with skops, which loads only types that are named as trusted
            skops_trusted_types=[
                "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor"
            ],
            # named here: MLflow would otherwise start a process to infer them
            pip_requirements=[f"scikit-learn=={sklearn.__version__}", f"pandas=={pd.__version__}"],
            registered_model_name=REGISTERED,
        )
        mlflow.set_tag("model_version", version)
    registry_version = register(mlflow.MlflowClient(), run_id)
    paths().model.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, paths().model)
    meta = {
        "version": version,
        "mlflow_run_id": run_id,
        "mlflow_model_uri": f"runs:/{run_id}/model",
        "registry": f"models:/{REGISTERED}/{registry_version}",
        "data_md5": data_md5,
        "git_commit": git_commit(),
        "params": settings,
    }
    paths().model_meta.write_text(json.dumps(meta, indent=2) + "\n")
    log.info("train: model %s written to %s (MLflow run %s)", version, paths().model, run_id)
    return model, run_id


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    run()


if __name__ == "__main__":
    main()
