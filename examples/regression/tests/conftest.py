"""Shared fixtures. The session runs `dvc repro` first if there is no model yet, so `pytest`
works on a fresh checkout (the behaviour tests need a model)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def pytest_sessionstart(session: pytest.Session) -> None:
    if not (ROOT / "models" / "model.joblib").exists():
        subprocess.run([sys.executable, "-m", "dvc", "repro"], cwd=ROOT, check=True)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A scratch copy of the project's configuration; the stages (and MLflow) write there."""
    for name in ("sekit.toml", "params.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    monkeypatch.setenv("REGRESSION_DEMO_ROOT", str(tmp_path))
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    yield tmp_path
