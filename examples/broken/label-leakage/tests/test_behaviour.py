"""Behaviour tests with sekit's pytest fixtures and Hypothesis strategies.

`sekit check model` runs the [[behaviour]] properties of sekit.toml; these are properties the
team writes itself, as ordinary tests.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

CHECKS = settings(max_examples=40, deadline=None, database=None)


@pytest.mark.mlts("model-5")
def test_predictions_on_any_valid_input_are_well_formed(sekit_model, sekit_frames) -> None:
    @CHECKS
    @given(sekit_frames)
    def check(frame) -> None:
        predicted = sekit_model.predict(frame)
        assert len(predicted) == len(frame)
        proba = sekit_model.predict_proba(frame)
        assert np.allclose(proba.sum(axis=1), 1)
        assert set(predicted) <= set(sekit_model.classes)

    check()


@pytest.mark.mlts("model-6")
def test_the_clinic_never_matters(sekit_model, sekit_frames) -> None:
    @CHECKS
    @given(sekit_frames)
    def check(frame) -> None:
        moved = {"north": "south", "south": "west", "west": "north"}
        elsewhere = frame.assign(clinic=frame["clinic"].map(moved))
        assert (sekit_model.predict(frame) == sekit_model.predict(elsewhere)).all()

    check()
