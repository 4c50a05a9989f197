"""The Deepchecks engine on the same fault cases as the native one (tox env `deepchecks`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sekit.checks.context import RunOptions
from sekit.config.loader import load_config
from sekit.results import CheckResult, Status
from sekit.runner import run_checks
from tests.checks.data.faults import FAULTS, LABEL, Fault, clean_frames, schema

pytestmark = pytest.mark.deepchecks

# What Deepchecks' data_integrity + train_test_validation (plus the nulls and class balance
# checks sekit adds) catch. Out of range values, wrong declared types and outliers have no
# condition in those suites: the native engine is the one that finds them.
CAUGHT = {
    "missing",
    "duplicates",
    "conflicting",
    "numbers_as_text",
    "new_category",
    "constant",
    "leaky_feature",
    "test_rows_in_train",
    "shifted",
    "shifted_category",
    "label_shift",
    "imbalanced",
    "spelling",
    "redundant",
}


def run_deepchecks(
    tmp_path: Path, train: pd.DataFrame, test: pd.DataFrame, columns: dict[str, dict[str, object]]
) -> list[CheckResult]:
    train.to_csv(tmp_path / "train.csv", index=False)
    test.to_csv(tmp_path / "test.csv", index=False)
    tables = "".join(
        f'[data.columns."{name}"]\n'
        + "".join(f"{key} = {json.dumps(value)}\n" for key, value in spec.items())
        for name, spec in columns.items()
    )
    (tmp_path / "sekit.toml").write_text(
        f'[project]\nname = "t"\n[data]\ntrain = "train.csv"\ntest = "test.csv"\n'
        f'label = "{LABEL}"\n{tables}'
    )
    return run_checks(
        load_config(tmp_path), suites=["data"], options=RunOptions(engine="deepchecks")
    )


def test_the_clean_control_has_no_fail_finding(tmp_path: Path) -> None:
    results = run_deepchecks(tmp_path, *clean_frames(), schema())
    assert [r.id for r in results] == ["data.deepchecks_integrity", "data.deepchecks_train_test"]
    assert all(r.engine == "deepchecks" for r in results)
    assert [f for r in results for f in r.findings if f.severity.value == "fail"] == []
    assert all(not r.status.blocks for r in results)
    html = Path(results[0].artifacts["html"])
    assert html.is_file() and html.stat().st_size > 100_000
    assert "cdn.plot.ly" not in html.read_text()[:200_000]


@pytest.mark.parametrize(
    "fault",
    [f for f in FAULTS if f.name in CAUGHT],
    ids=[f.name for f in FAULTS if f.name in CAUGHT],
)
def test_deepchecks_finds_the_fault_too(fault: Fault, tmp_path: Path) -> None:
    train, test = fault.inject(*clean_frames())
    results = run_deepchecks(tmp_path, train, test, {**schema(), **fault.schema_changes})
    kinds = {f.kind for r in results for f in r.findings if f.severity.value != "info"}
    assert fault.kind in kinds


def test_checks_that_do_not_apply_are_known_by_check_and_exception_type(tmp_path: Path) -> None:
    """Fails the day Deepchecks raises another exception for a check that does not apply."""
    results = run_deepchecks(tmp_path, *clean_frames(), schema())
    skipped = {
        f.evidence["check"]
        for r in results
        for f in r.findings
        if f.evidence.get("cause") == "not_applicable"
    }
    assert skipped == {
        "IdentifierLabelCorrelation",
        "DateTrainTestLeakageDuplicates",
        "DateTrainTestLeakageOverlap",
        "IndexTrainTestLeakage",
    }


def test_a_check_that_cannot_run_is_an_error_never_a_pass(tmp_path: Path) -> None:
    train, test = clean_frames()
    results = run_deepchecks(tmp_path, train, test.drop(columns=["worst symmetry"]), schema())
    train_test = next(r for r in results if r.id == "data.deepchecks_train_test")
    assert train_test.status is Status.ERROR
    assert any(f.kind == "check_error" and f.severity.value == "fail" for f in train_test.findings)


def test_importing_through_sekit_keeps_telemetry_off() -> None:
    import deepchecks

    marker = Path(deepchecks.__file__).parent / ".user_id"
    marker.unlink(missing_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "DISABLE_DEEPCHECKS_ANONYMOUS_TELEMETRY"}
    subprocess.run(
        [
            sys.executable,
            "-c",
            "from sekit.checks.deepchecks_adapter import import_deepchecks; import_deepchecks()",
        ],
        check=True,
        env=env,
    )
    assert not marker.exists()
