"""Unit tests of the features stage."""

from __future__ import annotations

from pathlib import Path

from clinic_ai import features, ingest, sanitize
from clinic_ai.config import FEATURES, LABEL


def test_the_split_is_reproducible_and_disjoint(project: Path) -> None:
    clean = sanitize.clean(ingest.download())
    train, test = features.split(clean)
    again, _ = features.split(clean)
    assert train.equals(again)
    assert len(train) + len(test) == len(clean)
    assert abs(len(test) / len(clean) - 0.3) < 0.01
    assert not train.merge(test, how="inner").shape[0]
    shares = train[LABEL].value_counts(normalize=True) - test[LABEL].value_counts(normalize=True)
    assert shares.abs().max() < 0.02  # stratified


def test_the_model_never_sees_the_clinic(project: Path) -> None:
    clean = sanitize.clean(ingest.download())
    transformed = features.preprocessor().fit_transform(clean[FEATURES])
    assert transformed.shape[1] == len(FEATURES) - 1
