"""Models from MLflow: ``[model].path = "runs:/<run id>/model"`` or ``"models:/<name>@<alias>"``.

MLflow is imported only here, and only when a config names such a URI (it is the scaffold's
dependency, not sekit's). The store is ``[model].tracking_uri``, else ``MLFLOW_TRACKING_URI``,
else the SQLite store ``mlflow.db`` beside the config (what the scaffold's train stage writes).
A scikit-learn model is loaded as itself (so ``predict_proba`` and ``classes_`` are there);
any other flavour through ``mlflow.pyfunc``. Loading a model runs the code its flavour names
(as for pickle files): only load models your team logged.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlparse
from urllib.request import url2pathname

from sekit.errors import ModelLoadError


def tracking_uri(root: Path, configured: str | None) -> str | None:
    """The store model URIs are read from, or None when there is none."""
    if configured:
        return configured
    if os.environ.get("MLFLOW_TRACKING_URI"):
        return os.environ["MLFLOW_TRACKING_URI"]
    store = root / "mlflow.db"
    return f"sqlite:///{store}" if store.is_file() else None


def load_mlflow_model(
    uri: str, *, key: str, root: Path, configured: str | None
) -> tuple[Any, dict[str, Any]]:
    """The model behind an MLflow model URI, and what MLflow knows of where it came from."""
    try:
        import mlflow.artifacts
    except ImportError:
        raise ModelLoadError(
            uri,
            "is an MLflow model URI, but MLflow is not installed here",
            key=key,
            hint="pip install mlflow (the scaffold's dev dependencies have it)",
        ) from None
    store = tracking_uri(root, configured)
    if store is None:
        raise ModelLoadError(
            uri,
            f"no MLflow store to read it from (no mlflow.db in {root})",
            key=key,
            hint="set [model].tracking_uri or MLFLOW_TRACKING_URI, or train first (dvc repro)",
        )
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    import mlflow
    from mlflow.exceptions import MlflowException

    try:
        where, run_id = _locate(mlflow.MlflowClient(tracking_uri=store, registry_uri=store), uri)
    except (MlflowException, OSError, LookupError) as exc:
        raise ModelLoadError(
            uri,
            f"not found in the MLflow store {store} ({_first_line(exc)})",
            key=key,
            hint="check the run id, model name or alias (mlflow ui lists them)",
        ) from None
    with tempfile.TemporaryDirectory(prefix="sekit-mlflow-") as scratch:
        try:
            if where.startswith("file:"):
                where = url2pathname(urlparse(where).path)
            elif not where.startswith("/"):  # a tracking server's or a bucket's artifacts
                where = mlflow.artifacts.download_artifacts(
                    artifact_uri=where, dst_path=scratch, tracking_uri=store
                )
            info = mlflow.models.Model.load(where)
            if "sklearn" in info.flavors:
                model = mlflow.sklearn.load_model(where)
            else:
                model = mlflow.pyfunc.load_model(where)
        except Exception as exc:
            raise ModelLoadError(
                uri,
                f"MLflow could not load it ({type(exc).__name__}: {_first_line(exc)})",
                key=key,
            ) from None
    lineage = {"mlflow_model_uri": uri, "mlflow_run_id": run_id, "mlflow_tracking_uri": store}
    return model, {k: v for k, v in lineage.items() if v}


def _locate(client: Any, uri: str) -> tuple[str, str | None]:
    """Where the model's files are, and the run that logged it: through the client of one
    store, so MLflow's process-wide tracking and registry URIs are never touched."""
    if uri.startswith("models:/"):
        name, at, alias = uri.removeprefix("models:/").partition("@")
        if at:
            version = client.get_model_version_by_alias(name, alias)
        else:
            name, _, number = name.partition("/")
            version = client.get_model_version(name, number)
        return str(client.get_model_version_download_uri(name, version.version)), version.run_id
    run_id, _, path = uri.removeprefix("runs:/").partition("/")
    run = client.get_run(run_id)
    for output in run.outputs.model_outputs if run.outputs else []:
        logged = client.get_logged_model(output.model_id)
        if logged.name == path.rstrip("/"):  # MLflow 3: log_model(name=...) made a LoggedModel
            return str(logged.artifact_location), run_id
    return f"{run.info.artifact_uri.rstrip('/')}/{path}", run_id  # MLflow 2: a run's artifact


def run_of(uri: str, store: str) -> str | None:
    """The run that logged the model at ``uri`` (for the report's provenance), or None."""
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    try:
        import mlflow

        return _locate(mlflow.MlflowClient(tracking_uri=store, registry_uri=store), uri)[1]
    except Exception:  # provenance is information; it never fails a run
        return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else type(exc).__name__
