"""``experiment.guardrails`` on simulated A/B runs: quality and cost judged together. A model
that is more accurate and costs the same passes; one that is more accurate and costs half as
much again is a harm on cost although ``experiment.difference`` ships it; A/A runs decide
nothing; an arm without values of a guardrail is not measured; a guardrail the log lacks is an
input error."""

from __future__ import annotations

from pathlib import Path

import pytest

from sekit.config.loader import load_config
from sekit.runner import run
from tests.experiment.simulate import Run, config, write

GUARDS = {"cost": "lower", "latency_ms": "lower"}


def judged(folder: Path, simulated: Run, **keys: object) -> dict:
    write(simulated, folder)
    keys.setdefault("guardrails", GUARDS)
    report = run(load_config(config(folder, simulated, **keys)), suites=["experiment"], save=False)
    return {c.id: c for c in report.checks}


def test_better_at_the_same_cost_passes(tmp_path: Path) -> None:
    better = Run(users=3000, accuracy={"control": 0.78, "treatment": 0.86}, seed=11)
    found = judged(tmp_path, better)
    guard = found["experiment.guardrails"]
    assert guard.status == "pass", guard.summary
    assert guard.metrics["guardrail_comparisons"] == 3  # accuracy, cost, latency x 1 arm
    [told] = [f for f in guard.findings if f.kind == "experiment_harm"]
    assert "accuracy" in told.message and "(better;" in told.message


def test_better_but_costlier_is_a_harm_on_cost(tmp_path: Path) -> None:
    costlier = Run(
        users=3000,
        accuracy={"control": 0.78, "treatment": 0.86},
        cost={"control": 0.002, "treatment": 0.003},
        seed=11,
    )
    found = judged(tmp_path, costlier)
    assert found["experiment.difference"].status == "pass"  # accuracy alone: ship
    guard = found["experiment.guardrails"]
    assert guard.status == "fail", guard.summary
    [harm] = [f for f in guard.findings if f.severity == "fail"]
    assert harm.kind == "experiment_harm" and harm.evidence["metrics"] == ["cost"]
    assert guard.metrics["guardrail_harms"] == 1


@pytest.mark.parametrize("seed", range(3))
def test_an_a_a_run_with_guardrails_decides_nothing(tmp_path: Path, seed: int) -> None:
    guard = judged(tmp_path, Run(users=1000, seed=seed))["experiment.guardrails"]
    assert guard.status == "pass", guard.summary


def test_a_guardrail_an_arm_has_no_values_of_is_not_measured(tmp_path: Path) -> None:
    simulated = Run(users=300, seed=4)
    write(simulated, tmp_path)
    log = tmp_path / "requests.jsonl"
    lines = log.read_text().splitlines()
    log.write_text(
        "\n".join(line.replace('"cost"', '"cost_gone"') if '"treatment"' in line else line
                  for line in lines) + "\n"
    )  # fmt: skip
    keys = {"guardrails": GUARDS}
    report = run(
        load_config(config(tmp_path, simulated, **keys)), suites=["experiment"], save=False
    )
    guard = {c.id: c for c in report.checks}["experiment.guardrails"]
    assert guard.status == "error", guard.summary
    assert "cost" in guard.summary


def test_one_metric_is_skipped(tmp_path: Path) -> None:
    found = judged(tmp_path, Run(users=200, seed=1), guardrails={})
    assert found["experiment.guardrails"].status == "skipped"
