"""An experiment decides only what it measured: an arm of the plan without users, or whose users
carry no observation, is an ``error`` (it blocks), never "no arm to compare" and a pass; arms
without any spread are compared by an exact test, never "ship, p = 0". Reproductions from
issue 30, each log written here line by line."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sekit.checks.experiment.figures import Arms
from sekit.config.loader import load_config
from sekit.results import CheckResult, Status
from sekit.runner import run
from sekit_cli.app import cli

START = datetime(2026, 12, 1, tzinfo=UTC)


def write(root: Path, users: Iterable[tuple[str, str, Any]], **experiment: str) -> Path:
    """A log with one request per (user, arm, value of ``converted``) and a sekit.toml."""
    with (root / "requests.jsonl").open("w") as log:
        for i, (user, arm, value) in enumerate(users):
            line = {
                "timestamp": (START + timedelta(minutes=i)).isoformat(),
                "request_id": f"r{i}",
                "user_id": user,
                "arm": arm,
                "status": 200,
                "latency_ms": 40.0,
                "converted": value,
            }
            log.write(json.dumps(line) + "\n")
    keys = {"log": '"requests.jsonl"', "metric": '"converted"', **experiment}
    config = '[project]\nname = "canary"\n\n[experiment]\n'
    config += "".join(f"{key} = {value}\n" for key, value in keys.items())
    (root / "sekit.toml").write_text(config)
    return root / "sekit.toml"


def difference(path: Path) -> CheckResult:
    report = run(load_config(path), suites=["experiment"], save=False)
    [found] = [c for c in report.checks if c.id == "experiment.difference"]
    assert report.verdict == ("fail" if found.status.blocks else report.verdict)
    return found


PLAN = "{ control = 0.9, canary = 0.1 }"


def test_a_log_with_the_control_arm_only_measured_nothing_about_the_canary(
    tmp_path: Path,
) -> None:
    # 40 control users and none in the canary: p = 0.9^40 = 0.015, so the sample-ratio test
    # cannot fire at 0.001, and nothing else looked at the canary
    users = [(f"u{i}", "control", float(i % 3 == 0)) for i in range(40)]
    found = difference(write(tmp_path, users, weights=PLAN))
    assert found.status is Status.ERROR, found.summary
    assert "'canary'" in found.summary and "no user" in found.summary


def test_canary_users_without_the_metric_are_not_no_arm_to_compare(tmp_path: Path) -> None:
    users = [(f"c{i}", "control", float(i % 2)) for i in range(60)]
    users += [(f"k{i}", "canary", None) for i in range(8)]
    found = difference(write(tmp_path, users, weights=PLAN))
    assert found.status is Status.ERROR, found.summary
    assert "8 users" in found.summary and "converted" in found.summary


def test_a_treatment_with_one_user_cannot_be_compared(tmp_path: Path) -> None:
    users = [(f"c{i}", "control", float(i % 2)) for i in range(60)]
    users += [("k0", "canary", 1.0)]
    found = difference(write(tmp_path, users, weights=PLAN))
    assert found.status is Status.ERROR, found.summary


def test_two_users_per_arm_with_identical_values_decide_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    users = [("c1", "control", 50.0), ("c2", "control", 50.0)]
    users += [("t1", "treatment", 40.0), ("t2", "treatment", 40.0)]
    path = write(tmp_path, users, better='"lower"')
    found = difference(path)
    kept = Arms.read(found)
    assert kept is not None
    [decision] = kept.decisions
    assert decision.decision == "inconclusive", found.summary
    # the exact test on 2 against 2: the observed split is one of the two most extreme of six
    assert decision.p_adjusted == pytest.approx(1 / 3)
    assert decision.low < 0 < decision.high
    # a gate that ships only a credible improvement blocks
    path.write_text(path.read_text() + '\n[gates]\n"experiment.difference_high" = { max = 0 }\n')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["gate", "--format", "json"])
    assert result.exit_code == 1, result.output


def test_constant_arms_with_many_users_are_still_decided(tmp_path: Path) -> None:
    users = [(f"c{i}", "control", 50.0) for i in range(30)]
    users += [(f"t{i}", "treatment", 40.0) for i in range(30)]
    found = difference(write(tmp_path, users, better='"lower"'))
    kept = Arms.read(found)
    assert kept is not None
    [decision] = kept.decisions
    assert decision.decision == "ship"
    assert 0 < decision.p_adjusted < 1e-10
    assert decision.low < -5 and decision.high < 0


def test_one_arm_in_the_log_and_no_plan_is_not_a_sample_ratio_pass(tmp_path: Path) -> None:
    users = [(f"u{i}", "control", float(i % 2)) for i in range(40)]
    report = run(load_config(write(tmp_path, users)), suites=["experiment"], save=False)
    found = {c.id: c for c in report.checks}
    assert found["experiment.assignment"].status is Status.ERROR
    assert found["experiment.assignment"].metrics.get("srm_p") is None
    assert found["experiment.difference"].status is Status.ERROR
    assert report.verdict == "fail"
