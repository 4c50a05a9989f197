"""Unit tests of the features stage."""

from __future__ import annotations

from pathlib import Path

from regression_demo import features, ingest, sanitize
from regression_demo.config import FEATURES


def test_the_split_is_reproducible_and_disjoint(project: Path) -> None:
    clean = sanitize.clean(ingest.download())
    train, test = features.split(clean)
    again, _ = features.split(clean)
    assert train.equals(again)
    assert len(train) + len(test) == len(clean)
    assert abs(len(test) / len(clean) - 0.3) < 0.01
    assert not train.merge(test, how="inner").shape[0]


def test_the_model_never_sees_the_clinic(project: Path) -> None:
    clean = sanitize.clean(ingest.download())
    transformed = features.preprocessor().fit_transform(clean[FEATURES])
    assert transformed.shape[1] == len(FEATURES) - 1
