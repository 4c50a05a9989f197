"""Unit tests of the gather stage (ingest): what it writes, and retries."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from clinic_ai import ingest


def test_the_raw_data_is_written(project: Path) -> None:
    frame = ingest.run()
    assert len(frame) == 569
    written = pd.read_csv(project / "data" / "raw" / "breast_cancer.csv")
    assert written.shape == frame.shape


def test_a_flaky_source_is_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest.time, "sleep", lambda seconds: None)
    attempts = []

    def flaky() -> pd.DataFrame:
        attempts.append(1)
        if len(attempts) < 3:
            raise ConnectionError("the source is down")
        return pd.DataFrame({"x": [1]})

    assert len(ingest.fetch(flaky, retries=3)) == 1
    assert len(attempts) == 3


def test_a_dead_source_fails_after_the_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest.time, "sleep", lambda seconds: None)

    def dead() -> pd.DataFrame:
        raise TimeoutError("no answer")

    with pytest.raises(TimeoutError):
        ingest.fetch(dead, retries=2)
