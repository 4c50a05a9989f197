"""Paths and parameters of the project, in one place.

Paths are relative to the project's folder: the current directory, or the folder in the
environment variable ``CLASSIFICATION_DEMO_ROOT`` when that is set (tests use it to run the
pipeline in a temporary folder).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LABEL = "diagnosis"
FEATURES = [
    "mean_radius",
    "mean_texture",
    "mean_perimeter",
    "mean_area",
    "mean_smoothness",
    "mean_compactness",
    "mean_concavity",
    "mean_concave_points",
    "mean_symmetry",
    "mean_fractal_dimension",
    "radius_error",
    "texture_error",
    "perimeter_error",
    "area_error",
    "smoothness_error",
    "compactness_error",
    "concavity_error",
    "concave_points_error",
    "symmetry_error",
    "fractal_dimension_error",
    "worst_radius",
    "worst_texture",
    "worst_perimeter",
    "worst_area",
    "worst_smoothness",
    "worst_compactness",
    "worst_concavity",
    "worst_concave_points",
    "worst_symmetry",
    "worst_fractal_dimension",
    "clinic",
]
NUMERIC = [name for name in FEATURES if name != "clinic"]
CLASSES = ["malignant", "benign"]


def root() -> Path:
    return Path(os.environ.get("CLASSIFICATION_DEMO_ROOT", Path.cwd()))


@dataclass(frozen=True)
class Paths:
    root: Path

    @property
    def raw(self) -> Path:
        return self.root / "data" / "raw" / "breast_cancer.csv"

    @property
    def feedback_labelled(self) -> Path:
        """Labelled requests from the service, committed with the code (``feedback.py``)."""
        return self.root / "feedback" / "labelled.csv"

    @property
    def clean(self) -> Path:
        return self.root / "data" / "interim" / "clean.csv"

    @property
    def golden(self) -> Path:
        """Rows kept aside before feedback joins the data (``sanitize.py``)."""
        return self.root / "data" / "golden" / "golden.csv"

    @property
    def train(self) -> Path:
        return self.root / "data" / "processed" / "train.csv"

    @property
    def test(self) -> Path:
        return self.root / "data" / "processed" / "test.csv"

    @property
    def model(self) -> Path:
        return self.root / "models" / "model.joblib"

    @property
    def model_meta(self) -> Path:
        return self.root / "models" / "model.json"

    @property
    def metrics(self) -> Path:
        return self.root / "reports" / "metrics.json"

    @property
    def prediction_log(self) -> Path:
        return self.root / "logs" / "requests.jsonl"

    @property
    def load_test_log(self) -> Path:
        """Requests of load tests (SEKIT_LOAD_TEST=1): never mixed with production traffic."""
        return self.root / "logs" / "load-test.jsonl"

    @property
    def feedback(self) -> Path:
        return self.root / "logs" / "feedback.sqlite"

    @property
    def params(self) -> Path:
        return self.root / "params.toml"


def paths() -> Paths:
    return Paths(root())


def mlflow_uri() -> str:
    """Where MLflow keeps the runs: ``MLFLOW_TRACKING_URI`` when set (a team's tracking
    server), else the SQLite store mlflow.db in the project's folder (what ``mlflow ui``
    opens when started there)."""
    return os.environ.get("MLFLOW_TRACKING_URI") or f"sqlite:///{paths().root / 'mlflow.db'}"


def params() -> dict[str, Any]:
    """The training parameters (params.toml)."""
    with paths().params.open("rb") as handle:
        return tomllib.load(handle)
