"""Quality metrics, weak slices, simple baselines and the previously deployed model."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import joblib
import numpy as np
import pandas as pd
import pytest

from sekit.checks.context import RunOptions
from sekit.config.schema import Config
from sekit.results import CheckResult, Status
from sekit.runner import run_checks
from tests.checks.model.models import Wrapped

pytestmark = pytest.mark.slow  # the model suite on a trained model, bootstraps


def results(config: Config) -> dict[str, CheckResult]:
    found = run_checks(config, suites=["model"], options=RunOptions(ci=True))
    return {r.id: r for r in found}


class WrongOnBigCells(Wrapped):
    """Fine overall, wrong on one slice: the largest radii."""

    def predict(self, x: pd.DataFrame) -> np.ndarray:
        predicted = super().predict(x)
        return np.where(x["mean radius"].to_numpy(dtype=float) > 16, 1 - predicted, predicted)


class AlwaysBenign(Wrapped):
    def predict(self, x: pd.DataFrame) -> np.ndarray:
        return np.ones(len(x), dtype=int)

    def predict_proba(self, x: pd.DataFrame) -> np.ndarray:
        return np.tile([0.0, 1.0], (len(x), 1))


class SometimesWrong(Wrapped):
    def predict(self, x: pd.DataFrame) -> np.ndarray:
        predicted = super().predict(x)
        flip = np.arange(len(x)) % 5 == 0
        return np.where(flip, 1 - predicted, predicted)


def test_metrics_of_a_good_model(project: Callable[..., Config], clean: Any) -> None:
    found = results(project(clean, behaviour=""))
    quality = found["model.quality"]
    assert quality.status is Status.PASS
    assert quality.metrics["accuracy"] > 0.9
    assert quality.qualified_metrics()["model.f1_macro"] > 0.9
    assert quality.metrics["roc_auc"] > 0.95
    assert found["model.simple_baseline"].status is Status.PASS
    assert found["model.previous"].status is Status.SKIPPED


def test_a_weak_slice_is_named(project: Callable[..., Config], clean: Any) -> None:
    slices = results(project(WrongOnBigCells(clean), behaviour=""))["model.slices"]
    assert slices.status is Status.WARN
    weak = [f for f in slices.findings if f.kind == "weak_slice" and f.severity.value == "warn"]
    assert any(f.column == "mean radius" for f in weak)
    assert slices.metrics["worst_slice_accuracy"] < 0.5


def test_a_constant_model_is_no_better_than_guessing(
    project: Callable[..., Config], clean: Any
) -> None:
    baseline = results(project(AlwaysBenign(clean), behaviour=""))["model.simple_baseline"]
    assert baseline.status is Status.FAIL
    [finding] = [f for f in baseline.findings if f.severity.value == "fail"]
    assert finding.kind == "simple_model_better"
    assert finding.evidence["baseline"] == "constant"


def test_worse_than_the_deployed_model_is_a_baseline_regression(
    project: Callable[..., Config], clean: Any, tmp_path: Any
) -> None:
    joblib.dump(clean, tmp_path / "deployed.joblib")
    config = project(SometimesWrong(clean), behaviour="", extra='baseline = "deployed.joblib"')
    previous = results(config)["model.previous"]
    assert previous.status is Status.FAIL
    assert previous.findings[0].kind == "baseline_regression"
    assert previous.metrics["baseline_delta"] < -0.1


def test_better_than_the_deployed_model_passes(
    project: Callable[..., Config], clean: Any, tmp_path: Any
) -> None:
    joblib.dump(SometimesWrong(clean), tmp_path / "deployed.joblib")
    config = project(clean, behaviour="", extra='baseline = "deployed.joblib"')
    previous = results(config)["model.previous"]
    assert previous.status is Status.PASS
    assert previous.metrics["baseline_delta"] > 0


def test_regression_metrics_and_a_nan_prediction(tmp_path: Any, monkeypatch: Any) -> None:
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import Ridge

    from sekit.config.loader import load_config

    monkeypatch.setenv("CI", "true")
    frame = load_diabetes(as_frame=True).frame
    frame.iloc[:300].to_csv(tmp_path / "train.csv", index=False)
    frame.iloc[300:].to_csv(tmp_path / "test.csv", index=False)
    model = Ridge().fit(frame.iloc[:300].drop(columns="target"), frame.iloc[:300]["target"])
    joblib.dump(NanAboveBmi(model), tmp_path / "model.joblib")
    (tmp_path / "sekit.toml").write_text(
        '[project]\nname = "r"\n[data]\ntrain = "train.csv"\ntest = "test.csv"\n'
        'label = "target"\n[model]\npath = "model.joblib"\ntask = "regression"\n'
        "examples = 20\nshrink_seconds = 3\n"
    )
    found = results(load_config(tmp_path))
    quality = found["model.quality"]
    assert quality.status is Status.FAIL
    assert quality.findings[0].kind == "invalid_output"
    assert quality.metrics == {}  # nothing to gate on: a gate on model.r2 fails closed
    behaviour = found["model.behaviour"]
    assert [f.kind for f in behaviour.findings if f.severity.value == "fail"] == ["invalid_output"]


def test_regression_metrics(tmp_path: Any, monkeypatch: Any) -> None:
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import Ridge

    from sekit.config.loader import load_config

    frame = load_diabetes(as_frame=True).frame
    frame.iloc[:300].to_csv(tmp_path / "train.csv", index=False)
    frame.iloc[300:].to_csv(tmp_path / "test.csv", index=False)
    model = Ridge().fit(frame.iloc[:300].drop(columns="target"), frame.iloc[:300]["target"])
    joblib.dump(model, tmp_path / "model.joblib")
    (tmp_path / "sekit.toml").write_text(
        '[project]\nname = "r"\n[data]\ntrain = "train.csv"\ntest = "test.csv"\n'
        'label = "target"\n[model]\npath = "model.joblib"\ntask = "regression"\n'
        "examples = 10\n"
    )
    found = results(load_config(tmp_path))
    quality = found["model.quality"]
    assert set(quality.metrics) >= {"r2", "mae", "rmse"}
    assert 0.3 < quality.metrics["r2"] < 0.7
    assert found["model.simple_baseline"].metrics["constant_score"] < 0.01


class NanAboveBmi:
    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.feature_names_in_ = inner.feature_names_in_

    def predict(self, x: pd.DataFrame) -> np.ndarray:
        out = self.inner.predict(x).astype(float)
        out[x["bmi"].to_numpy() > 0.15] = np.nan
        return out
