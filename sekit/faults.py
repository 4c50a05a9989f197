"""Models broken on purpose: the fault cases of the release and fallback checks (the
``load.fallback`` check pickles :class:`FaultyModel` for the service it starts), shared by the
tests, the benchmarks and the exercises. Each wraps a trained model and keeps everything but
prediction (its classes, its ``model_version_``, its ``fallback_`` rule), so that the team's
service loads it like the real one (joblib, ``SEKIT_MODEL_PATH``)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

SLOW_S = 2.0  # model-slow: seconds each prediction waits (the load.fallback check's fault)
PREDICTING = ("predict", "predict_proba", "predict_log_proba", "decision_function")


class ConstantModel:
    """Always the same answer: the most useless model that still looks healthy. Classification:
    one class with certainty; regression: one value."""

    def __init__(self, model: Any, answer: Any) -> None:
        self.model = model
        self.answer = answer

    def __getattr__(self, name: str) -> Any:
        if name in ("model", "answer") or name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.model, name)

    def _rows(self, rows: Any) -> int:
        return len(rows)

    def predict(self, rows: Any) -> Any:
        import numpy as np

        kind = object if isinstance(self.answer, str) else "float64"
        return np.full(self._rows(rows), self.answer, dtype=kind)

    def predict_proba(self, rows: Any) -> Any:
        import numpy as np

        classes = list(self.model.classes_)
        proba = np.zeros((self._rows(rows), len(classes)))
        proba[:, classes.index(self.answer)] = 1.0
        return proba


class FaultyModel:
    """A model that fails the way models fail in production: it raises (a corrupt file, a
    missing feature) or it is slow (a stuck dependency). Everything but prediction is the
    wrapped model's (its classes, its version, its fallback rule)."""

    def __init__(self, model: Any, fault: str, delay_s: float = SLOW_S) -> None:
        self.model = model
        self.fault = fault
        self.delay_s = delay_s  # model-slow: how long each prediction waits

    def __getattr__(self, name: str) -> Any:
        if name in ("model", "fault", "delay_s") or name.startswith("__"):
            raise AttributeError(name)  # during unpickling, before __dict__ is filled
        attribute = getattr(self.model, name)
        if name not in PREDICTING:
            return attribute

        def failing(*args: Any, **kwargs: Any) -> Any:
            if self.fault == "model-error":
                raise RuntimeError("model failure injected by sekit (model-error)")
            time.sleep(self.__dict__.get("delay_s", SLOW_S))
            return attribute(*args, **kwargs)

        return failing


def write(model: Any, path: Path, fault: str, **options: Any) -> Path:
    """Write ``model`` broken by ``fault`` to ``path`` (joblib): ``constant`` (``answer``),
    ``slow`` (``delay_s``) or ``error``."""
    import joblib

    if fault == "constant":
        broken: Any = ConstantModel(model, options["answer"])
    elif fault == "slow":
        broken = FaultyModel(model, "model-slow", delay_s=options.get("delay_s", 0.3))
    elif fault == "error":
        broken = FaultyModel(model, "model-error")
    else:
        raise ValueError(f"unknown fault {fault!r}")
    joblib.dump(broken, path)
    return path
