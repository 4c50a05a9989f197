"""Shared fixtures: the trained model and the split data (run `dvc repro` first), and a
service whose log goes to a temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import joblib
import pandas as pd
import pytest
from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[1]


def _needs(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"{path.relative_to(ROOT)} is missing: run `dvc repro` first")
    return path


@pytest.fixture(scope="session")
def ratings() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The training and the held-out ratings."""
    split = ROOT / "data" / "split"
    return pd.read_csv(_needs(split / "train.csv")), pd.read_csv(_needs(split / "test.csv"))


@pytest.fixture(scope="session")
def trained():
    return joblib.load(_needs(ROOT / "models" / "model.joblib"))


@pytest.fixture
def service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The real app in this process, serving the trained model; its log in tmp_path/logs."""
    monkeypatch.setenv("RECOMMENDER_DEMO_ROOT", str(tmp_path))
    monkeypatch.setenv("SEKIT_MODEL_PATH", str(_needs(ROOT / "models" / "model.joblib")))
    from recommender_demo.serve import app

    with TestClient(app) as client:
        yield client
