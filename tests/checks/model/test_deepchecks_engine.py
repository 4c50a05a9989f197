"""The Deepchecks engine's model_evaluation suite (tox env `deepchecks`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sekit.checks.context import RunOptions
from sekit.config.schema import Config
from sekit.results import CheckResult, Status
from sekit.runner import run_checks
from tests.checks.model.test_quality import AlwaysBenign

pytestmark = pytest.mark.deepchecks


def evaluation(config: Config) -> CheckResult:
    [result] = run_checks(config, suites=["model"], options=RunOptions(engine="deepchecks"))
    return result


def test_a_good_model_fails_no_condition(project: Callable[..., Config], clean: Any) -> None:
    result = evaluation(project(clean, behaviour=""))
    assert result.id == "model.deepchecks_evaluation"
    assert result.engine == "deepchecks"
    assert Path(result.artifacts["html"]).is_file()
    failed = [f for f in result.findings if f.severity.value == "fail"]
    assert {f.kind for f in failed} <= {"check_error"}
    # Checks for other model types do not apply (info, not errors) ...
    skipped = {f.evidence["check"] for f in result.findings if f.severity.value == "info"}
    assert {"BoostingOverfit", "RegressionErrorDistribution"} <= skipped
    # ... but a check that could not run on this small training set is an error, never a pass
    assert [f.evidence["check"] for f in failed] == ["WeakSegmentsPerformance"]
    assert result.status is Status.ERROR


def test_a_constant_model_fails_the_simple_model_comparison(
    project: Callable[..., Config], clean: Any
) -> None:
    result = evaluation(project(AlwaysBenign(clean), behaviour=""))
    assert result.status.blocks
    assert "simple_model_better" in {f.kind for f in result.findings if f.severity.value == "fail"}
