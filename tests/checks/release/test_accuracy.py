"""release.accuracy: the new model against the deployed one on the same labelled rows (the
breast cancer test set), overall and per slice, with paired tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import joblib
import pytest

from sekit.checks.context import Context
from sekit.checks.release.accuracy import check_accuracy
from sekit.config.schema import Config
from sekit.errors import InputError
from sekit.results import Status
from sekit.stats import holm
from tests.checks.release.models import OftenWrongOnSmall, WrongOnHalfTheLarge

SLICED = '[release]\nslices = ["size"]\n'


def accuracy(
    project: Callable[..., Config], tmp_path: Path, candidate: Any, deployed: Any, extra: str = ""
) -> Any:
    joblib.dump(deployed, tmp_path / "deployed.joblib")
    config = project(candidate, behaviour="", extra=f'baseline = "deployed.joblib"\n{extra}')
    return check_accuracy(Context(config))


def test_the_same_model_is_no_regression(
    project: Callable[..., Config], clean: Any, tmp_path: Path
) -> None:
    result = accuracy(project, tmp_path, clean, clean, SLICED)
    assert result.status is Status.PASS, result.findings
    assert result.metrics["accuracy_delta"] == 0.0


def test_better_on_average_but_worse_on_a_slice_is_a_regression(
    project: Callable[..., Config], clean: Any, tmp_path: Path
) -> None:
    result = accuracy(
        project, tmp_path, WrongOnHalfTheLarge(clean), OftenWrongOnSmall(clean), SLICED
    )
    assert result.metrics["accuracy_delta"] > 0.05  # better on average
    assert result.status is Status.FAIL
    [regression] = [f for f in result.findings if f.severity.value == "fail"]
    assert regression.kind == "release_regression"
    assert regression.evidence["slice"] == "size = 'large'"
    assert regression.evidence["rows_won"] == 0


def test_without_the_slice_the_average_hides_it(
    project: Callable[..., Config], clean: Any, tmp_path: Path
) -> None:
    result = accuracy(project, tmp_path, WrongOnHalfTheLarge(clean), OftenWrongOnSmall(clean))
    assert result.status is Status.PASS  # no categorical feature: no slice is compared


def test_worse_overall_is_a_regression(
    project: Callable[..., Config], clean: Any, tmp_path: Path
) -> None:
    result = accuracy(project, tmp_path, OftenWrongOnSmall(clean), clean)
    assert result.status is Status.FAIL
    assert result.findings[0].evidence["test"] == "mcnemar"
    assert result.findings[0].evidence["p_value"] < 1e-6
    assert result.metrics["accuracy_delta"] < -0.1


def test_feedback_rows_and_their_errors(
    project: Callable[..., Config], clean: Any, tmp_path: Path
) -> None:
    import pandas as pd

    from tests.checks.model.models import frames

    _, test = frames()
    test.head(60).to_csv(tmp_path / "feedback.csv", index=False)
    result = accuracy(
        project, tmp_path, OftenWrongOnSmall(clean), clean, '[release]\nlabelled = "feedback.csv"'
    )
    assert "60 labelled rows of" in result.summary and "feedback.csv" in result.summary
    pd.DataFrame({"x": [1]}).to_csv(tmp_path / "feedback.csv", index=False)
    with pytest.raises(InputError, match="has no label column"):
        accuracy(project, tmp_path, clean, clean, '[release]\nlabelled = "feedback.csv"')
    with pytest.raises(InputError, match=r"\[release\].slices names \['nope'\]"):
        accuracy(project, tmp_path, clean, clean, '[release]\nslices = ["nope"]')


def test_holm_adjusts_step_down() -> None:
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert holm([]) == []
