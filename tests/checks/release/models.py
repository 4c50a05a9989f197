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


class MissesPositivesInBatch(Wrapped):
    """Unfair to one group: for rows of batch 3 it turns every ``every``-th predicted positive
    (class 1) into a negative (a lower true positive and selection rate for that group)."""

    def __init__(self, inner: object, every: int = 2) -> None:
        super().__init__(inner)
        self.every = every

    def predict(self, x: pd.DataFrame) -> np.ndarray:
        predicted = super().predict(x)
        hit = (x["batch"].to_numpy() == 3) & (np.arange(len(x)) % self.every == 0)
        return np.where(hit & (predicted == 1), 0, predicted)
