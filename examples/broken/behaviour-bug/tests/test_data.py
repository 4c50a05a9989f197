"""Data tests with sekit, in pytest: the processed data must pass the data checks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import sekit.data
from sekit.config import load_config

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def report() -> sekit.data.DataReport:
    config = load_config(ROOT)
    assert config.data is not None
    train = pd.read_csv(ROOT / "data" / "processed" / "train.csv")
    test = pd.read_csv(ROOT / "data" / "processed" / "test.csv")
    return sekit.data.check(train, test, label=config.data.label, columns=config.data.columns)


@pytest.mark.mlts("data-1")
def test_the_data_passes_every_data_check(report: sekit.data.DataReport) -> None:
    report.assert_passed()


@pytest.mark.mlts("data-3")
def test_no_feature_leaks_the_label(report: sekit.data.DataReport) -> None:
    assert report.findings("label_leakage", severity="fail") == []


def test_train_and_test_are_alike(report: sekit.data.DataReport) -> None:
    assert report.metrics["data.drift_share"] == 0
