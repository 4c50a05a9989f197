"""The pipeline's parameters (params.toml) and paths.

Paths are relative to the project's folder, or to the folder in the environment variable
``RECOMMENDER_DEMO_ROOT`` when that is set (the tests serve from a temporary folder).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

USER = "user_id"
ITEM = "item_id"
TIME = "timestamp"
RATING = "rating"


def root() -> Path:
    return Path(os.environ.get("RECOMMENDER_DEMO_ROOT") or Path(__file__).resolve().parents[2])


def raw() -> Path:
    return root() / "data" / "raw" / "ratings.csv"


def clean() -> Path:
    return root() / "data" / "clean" / "ratings.csv"


def train() -> Path:
    return root() / "data" / "split" / "train.csv"


def test() -> Path:
    return root() / "data" / "split" / "test.csv"


def model() -> Path:
    return Path(os.environ.get("SEKIT_MODEL_PATH") or root() / "models" / "model.joblib")


def metrics() -> Path:
    return root() / "reports" / "metrics.json"


def request_log(load_test: bool = False) -> Path:
    """Served requests; a load test's (SEKIT_LOAD_TEST=1) go to their own log."""
    name = "load-test.jsonl" if load_test else "requests.jsonl"
    return root() / "logs" / name


def params(section: str) -> dict[str, Any]:
    with (root() / "params.toml").open("rb") as handle:
        return dict(tomllib.load(handle)[section])
