"""Which model is deployed: the aliases of the registered model in MLflow's model registry
(the store of config.mlflow_uri(): mlflow.db here, or MLFLOW_TRACKING_URI).

    python -m regression_demo.release
        the versions behind each alias
    python -m regression_demo.release promote
        champion := the current model (models/model.json); previous := the old champion
    python -m regression_demo.release rollback
        champion := previous
    python -m regression_demo.release export champion models/deployed.joblib
        that version as a joblib file (what SEKIT_MODEL_PATH serves)

``train.py`` makes every trained model a new version with the alias ``challenger``; the first
version is also ``champion``. Promote only when ``sekit check release`` says **promote** (it
compares ``[model].path`` with ``[model].baseline``, the registry's champion, on the real
service). A running service switches without downtime: ``POST /admin/reload`` with the model
URI (serve.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from typing import Any

import joblib

from regression_demo.config import mlflow_uri, paths

REGISTERED = "regression-demo"
ALIASES = ("champion", "challenger", "previous")


def client() -> Any:
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    import mlflow

    return mlflow.MlflowClient(tracking_uri=mlflow_uri(), registry_uri=mlflow_uri())


def aliases() -> dict[str, str]:
    """alias -> registry version, for the aliases that are set."""
    from mlflow.exceptions import MlflowException

    found = {}
    for alias in ALIASES:
        with contextlib.suppress(MlflowException):  # an alias that is not set
            found[alias] = str(client().get_model_version_by_alias(REGISTERED, alias).version)
    return found


def move(alias: str, version: str) -> None:
    client().set_registered_model_alias(REGISTERED, alias, version)


def current() -> str | None:
    """The registry version of models/model.joblib (models/model.json), the model that was
    checked: after `dvc repro` restored an older model from its cache, the challenger (the last
    one trained) is another version."""
    try:
        meta = json.loads(paths().model_meta.read_text())
    except (OSError, ValueError):
        return None
    registry = str(meta.get("registry", ""))
    return registry.rsplit("/", 1)[-1] if registry.startswith("models:/") else None


def promote() -> str:
    """The current model (else the challenger) becomes the champion; the old champion stays
    reachable as previous."""
    now = aliases()
    chosen = current() or now.get("challenger")
    if chosen is None:
        raise SystemExit("no model to promote: train one first (dvc repro)")
    if now.get("champion") == chosen:
        return chosen
    if "champion" in now:
        move("previous", now["champion"])
    move("champion", chosen)
    return chosen


def rollback() -> str:
    """The previous champion serves again."""
    now = aliases()
    if "previous" not in now:
        raise SystemExit("nothing to roll back to: no version has the alias 'previous'")
    move("champion", now["previous"])
    return now["previous"]


def export(alias: str, path: str) -> None:
    """Write the version behind ``alias`` as a joblib file (what SEKIT_MODEL_PATH serves)."""
    import mlflow

    mlflow.set_tracking_uri(mlflow_uri())
    joblib.dump(mlflow.sklearn.load_model(f"models:/{REGISTERED}@{alias}"), path)


def main(argv: list[str]) -> None:
    if argv[:1] == ["promote"]:
        print(f"champion: version {promote()}")
    elif argv[:1] == ["rollback"]:
        print(f"champion: version {rollback()}")
    elif argv[:1] == ["export"] and len(argv) == 3:
        export(argv[1], argv[2])
        print(f"{argv[1]} written to {argv[2]}")
    elif not argv:
        for alias, version in aliases().items():
            print(f"{alias:11} version {version}")
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
