"""Shared fixtures. The session trains the model first if there is none yet, so `pytest` works
on a fresh checkout (the behaviour tests need a model)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def pytest_sessionstart(session: pytest.Session) -> None:
    if not (ROOT / "models" / "model.joblib").exists():
        import logging

        from regression_demo import pipeline

        logging.basicConfig(level=logging.INFO, format="%(message)s")
        pipeline.run()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A scratch copy of the project's configuration; the pipeline writes there, not here."""
    for name in ("sekit.toml", "params.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    monkeypatch.setenv("REGRESSION_DEMO_ROOT", str(tmp_path))
    yield tmp_path
