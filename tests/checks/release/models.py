"""Candidates for release.accuracy, wrapping the clean test model (picklable: a module)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.checks.model.models import Wrapped

LARGE = 16.0  # 'mean radius' above this: the 'large' size slice


class OftenWrongOnSmall(Wrapped):
    """The deployed model: wrong on every third tumour of radius up to 16, right on the rest."""

    def predict(self, x: pd.DataFrame) -> np.ndarray:
        predicted = super().predict(x)
        small = x["mean radius"].to_numpy(dtype=float) <= LARGE
        flip = small & (np.arange(len(x)) % 3 == 0)
        return np.where(flip, 1 - predicted, predicted)


class WrongOnHalfTheLarge(Wrapped):
    """A candidate better on average, worse for large tumours: wrong on every other one."""

    def predict(self, x: pd.DataFrame) -> np.ndarray:
        predicted = super().predict(x)
        large = x["mean radius"].to_numpy(dtype=float) > LARGE
        flip = large & (np.arange(len(x)) % 2 == 0)
        return np.where(flip, 1 - predicted, predicted)
