"""Models for the model-check tests: a clean, monotone one and one per injected bug.

The bugs wrap the clean model, so everything but the bug behaves well. They live in a module
(not in a test function) so that joblib can pickle them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tests.checks.data.faults import LABEL, clean_frames

FEATURES = [
    "mean radius",
    "mean texture",
    "mean smoothness",
    "mean concavity",
    "worst area",
    "worst symmetry",
    "batch",
]
USED = FEATURES[:-1]  # 'batch' is noise the clean model must ignore


def schema() -> dict[str, dict[str, Any]]:
    return {
        "mean radius": {"type": "float", "min": 5, "max": 30},
        "mean texture": {"type": "float", "min": 5, "max": 50},
        "mean smoothness": {"type": "float", "min": 0.03, "max": 0.2},
        "mean concavity": {"type": "float", "min": 0, "max": 0.5},
        "worst area": {"type": "float", "min": 150, "max": 4500},
        "worst symmetry": {"type": "float", "min": 0.1, "max": 0.7},
        "batch": {"type": "int", "min": 1, "max": 4},
        "size": {"type": "category", "allowed": ["small", "medium", "large"]},
        LABEL: {"type": "category", "allowed": [0, 1]},
    }


def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    return clean_frames()


def clean_model() -> Any:
    """Gradient boosting that ignores 'batch' and is monotone: larger 'worst area' never
    raises the probability of class 1 (benign)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import Pipeline

    train, _ = frames()
    constraints = [-1 if name == "worst area" else 0 for name in USED]
    model = Pipeline(
        [
            ("columns", ColumnTransformer([("used", "passthrough", USED)], remainder="drop")),
            (
                "boost",
                HistGradientBoostingClassifier(
                    monotonic_cst=constraints, random_state=0, max_iter=60
                ),
            ),
        ]
    )
    return model.fit(train[FEATURES], train[LABEL])


class Wrapped:
    """Delegates to a fitted model; subclasses add one bug."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.classes_ = inner.classes_
        self.feature_names_in_ = inner.feature_names_in_

    def predict(self, x: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.inner.predict(x))

    def predict_proba(self, x: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.inner.predict_proba(x))


class FlipsOnBatch(Wrapped):
    """Invariance bug: the irrelevant 'batch' feature flips the prediction when it is 3."""

    def predict(self, x: pd.DataFrame) -> np.ndarray:
        predicted = super().predict(x)
        return np.where(x["batch"].to_numpy() == 3, 1 - predicted, predicted)


class RisesWithArea(Wrapped):
    """Directional bug: beyond 2000, more 'worst area' makes 'benign' more likely."""

    def predict_proba(self, x: pd.DataFrame) -> np.ndarray:
        proba = super().predict_proba(x).copy()
        area = x["worst area"].to_numpy(dtype=float)
        bump = np.clip((area - 2000) / 2500, 0, 1) * 0.9
        proba[:, 1] = np.clip(proba[:, 1] + bump, 0, 1)
        proba[:, 0] = 1 - proba[:, 1]
        return proba


class CrashesOnHighTexture(Wrapped):
    """Crash bug: an edge value the training data never had."""

    def predict(self, x: pd.DataFrame) -> np.ndarray:
        if (x["mean texture"].to_numpy(dtype=float) > 45).any():
            raise ValueError("texture out of the calibrated range")
        return super().predict(x)


class ProbabilitiesOff(Wrapped):
    """Invalid output: probabilities that do not sum to 1 for asymmetric cells."""

    def predict_proba(self, x: pd.DataFrame) -> np.ndarray:
        proba = super().predict_proba(x).copy()
        odd = x["worst symmetry"].to_numpy(dtype=float) > 0.5
        proba[odd] *= 1.1
        return proba


class RandomGuess(Wrapped):
    """Nondeterminism: a coin flip on uncertain rows, unseeded."""

    def predict(self, x: pd.DataFrame) -> np.ndarray:
        proba = super().predict_proba(x)[:, 1]
        coin = np.random.default_rng().random(len(x))
        return np.where(
            np.abs(proba - 0.5) < 0.45, (coin < 0.5).astype(int), (proba >= 0.5).astype(int)
        )


class UnknownClass(Wrapped):
    """Invalid output: a class the model was never trained on."""

    def predict(self, x: pd.DataFrame) -> np.ndarray:
        predicted = super().predict(x)
        return np.where(x["mean radius"].to_numpy(dtype=float) > 28, 7, predicted)


BUGS = {
    "invariance_violation": FlipsOnBatch,
    "directional_violation": RisesWithArea,
    "crash": CrashesOnHighTexture,
    "invalid_output": ProbabilitiesOff,
    "nondeterminism": RandomGuess,
    "unknown_class": UnknownClass,
}


class TeamStyle:
    """A model of a team's own making: a class with predict / predict_proba around a fitted
    pipeline, with no ``feature_names_in_``, that reads its inputs by column name (as the
    team's serving code hands it a DataFrame)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.classes_ = inner.classes_

    def _rows(self, x: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({name: x[name] for name in FEATURES})  # fails on a plain array

    def predict(self, x: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.inner.predict(self._rows(x)))

    def predict_proba(self, x: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.inner.predict_proba(self._rows(x)))
