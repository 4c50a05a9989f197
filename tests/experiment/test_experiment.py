"""`sekit check experiment` on simulated A/B runs (tests/experiment/simulate.py): no decision
on A/A runs, a real difference found and decided, a broken assignment flagged (sample-ratio
mismatch, users in two arms) and never decided from, the user as the unit, exact tests at
small counts, and clear errors for a log that lacks what the config names."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from scipy import stats

from sekit.checks.experiment.figures import Arms
from sekit.config.loader import load_config
from sekit.report.html import render_html
from sekit.report.model import Report
from sekit.results import CheckResult
from sekit.runner import run
from sekit_cli.app import cli
from tests.experiment.simulate import Run, config, write


@dataclass(frozen=True)
class Checked:
    report: Report
    assignment: CheckResult
    difference: CheckResult

    def decisions(self) -> list[str]:
        kept = Arms.read(self.difference)
        assert kept is not None
        return [d.decision for d in kept.decisions]


def checked(folder: Path, simulated: Run, **keys: object) -> Checked:
    write(simulated, folder)
    report = run(load_config(config(folder, simulated, **keys)), suites=["experiment"], save=False)
    found = {c.id: c for c in report.checks}
    return Checked(report, found["experiment.assignment"], found["experiment.difference"])


@pytest.mark.parametrize("seed", range(5))
def test_an_a_a_run_decides_nothing(tmp_path: Path, seed: int) -> None:
    found = checked(tmp_path, Run(users=1000, seed=seed))
    assert found.report.verdict == "pass"
    assert found.decisions() == ["inconclusive"]
    assert found.assignment.metrics["unsticky_users"] == 0


def test_a_better_treatment_is_shipped_with_its_interval(tmp_path: Path) -> None:
    better = Run(users=3000, accuracy={"control": 0.78, "treatment": 0.86}, seed=11)
    found = checked(tmp_path, better, min_effect=0.03)
    assert found.decisions() == ["ship"]
    difference = found.difference
    assert difference.status == "pass"
    low, high = difference.metrics["difference_low"], difference.metrics["difference_high"]
    assert 0 < low < 0.08 < high  # the true difference inside, above zero
    assert "treatment is better than control" in difference.summary


def test_a_slower_treatment_is_harm_and_blocks(tmp_path: Path) -> None:
    slower = Run(users=1500, latency_ms={"control": 40, "treatment": 46}, seed=5)
    found = checked(tmp_path, slower, metric="latency_ms")
    difference = found.difference
    assert difference.status == "fail"
    [harm] = [f for f in difference.findings if f.severity == "fail"]
    assert harm.evidence["arm"] == "treatment" and harm.evidence["low"] > 0
    assert found.report.verdict == "fail"


def test_a_lost_share_of_one_arm_is_a_sample_ratio_mismatch_and_nothing_is_decided(
    tmp_path: Path,
) -> None:
    # the treatment crashes before it logs for 20% of its users; it is also better, which
    # must not be decided from a broken run
    broken = Run(users=4000, lost=0.2, accuracy={"control": 0.8, "treatment": 0.9}, seed=2)
    found = checked(tmp_path, broken)
    assignment = found.assignment
    [srm] = assignment.findings
    assert srm.kind == "sample_ratio_mismatch" and srm.evidence["p_value"] < 0.001
    assert found.decisions() == ["invalid"]
    assert found.difference.findings[0].kind == "invalid_experiment"


def test_users_served_by_two_arms_are_found_and_left_out(tmp_path: Path) -> None:
    found = checked(tmp_path, Run(users=1000, unsticky=0.1, seed=3))
    assignment = found.assignment
    [unsticky] = [f for f in assignment.findings if f.kind == "unsticky_assignment"]
    count = assignment.metrics["unsticky_users"]
    assert 40 <= count <= 100  # 10% of users mixed; those with one request cannot show it
    assert len(unsticky.evidence["users"]) == 10
    assert found.decisions() == ["invalid"]


def test_the_user_is_the_unit_not_the_request(tmp_path: Path) -> None:
    """One heavy user of the treatment with 400 wrong answers: counted as 400 independent
    requests it would make the treatment 'credibly worse'; as one user it cannot."""
    simulated = Run(users=400, seed=7)
    log, feedback = write(simulated, tmp_path)
    with log.open("a") as lines, feedback.open("a") as labels:
        for i in range(400):
            lines.write(
                json.dumps(
                    {
                        "request_id": f"heavy-{i}",
                        "user_id": "heavy",
                        "arm": "treatment",
                        "prediction": "yes",
                    }
                )
                + "\n"
            )
            labels.write(f"heavy-{i},no\n")
    report = run(load_config(config(tmp_path, simulated)), suites=["experiment"], save=False)
    [difference] = [c for c in report.checks if c.id == "experiment.difference"]
    assert difference.status == "pass", difference.summary
    assert "Welch's t-test on the users' means" in difference.summary


def test_small_runs_use_fishers_exact_test(tmp_path: Path) -> None:
    rows = (
        [("control", 1)] * 9
        + [("control", 0)] * 3
        + [("treatment", 1)] * 2
        + [("treatment", 0)] * 8
    )
    with (tmp_path / "requests.jsonl").open("w") as log:
        for i, (arm, right) in enumerate(rows):
            served = "yes" if right else "no"
            log.write(
                json.dumps(
                    {"request_id": f"r{i}", "user_id": f"u{i}", "arm": arm, "prediction": served}
                )
                + "\n"
            )
    (tmp_path / "feedback.csv").write_text(
        "request_id,label\n" + "".join(f"r{i},yes\n" for i in range(len(rows)))
    )
    simulated = Run()
    report = run(load_config(config(tmp_path, simulated)), suites=["experiment"], save=False)
    [difference] = [c for c in report.checks if c.id == "experiment.difference"]
    expected = stats.fisher_exact([[2, 8], [9, 3]]).pvalue
    assert difference.metrics["p_value"] == pytest.approx(expected)
    assert "Fisher's exact test" in difference.summary
    assert difference.status == "fail"  # 20% against 75% right: credibly worse
    assert difference.metrics["difference_high"] < 0


def test_equivalence_needs_the_interval_inside_the_minimum_effect(tmp_path: Path) -> None:
    large = checked(tmp_path / "large", Run(users=6000, seed=4), min_effect=0.05)
    assert large.decisions() == ["equivalent"]
    # (seed 4 at 200 users is the one-in-a-thousand split that the SRM test flags: p = 0.0005)
    small = checked(tmp_path / "small", Run(users=200, seed=5), min_effect=0.02)
    assert small.decisions() == ["inconclusive"]
    [warned] = small.difference.findings[:1]
    assert warned.kind == "underpowered_experiment" and warned.severity == "warn"
    assert warned.evidence["users_needed"] > 2000
    assert small.difference.metrics["power"] < 0.5


def test_three_arms_are_compared_with_the_control_under_holm(tmp_path: Path) -> None:
    three = Run(
        users=3000,
        weights={"control": 0.5, "a": 0.25, "b": 0.25},
        accuracy={"control": 0.8, "a": 0.8, "b": 0.7},
        latency_ms={"control": 40, "a": 40, "b": 40},
        seed=9,
    )
    found = checked(tmp_path, three)
    kept = Arms.read(found.difference)
    assert kept is not None
    assert {d.treatment: d.decision for d in kept.decisions} == {"a": "inconclusive", "b": "keep"}
    assert all(d.p_adjusted >= d.p_value for d in kept.decisions)
    page = render_html(found.report)
    assert "experiment_arms" in page or "per arm" in page


@pytest.mark.parametrize(
    ("keys", "needle"),
    [
        ({"arm": "variant"}, "no 'variant' field: set [experiment].arm"),
        ({"metric": "clicks"}, "no 'clicks' field to measure"),
        ({"weights": {"control": 1.0}}, "experiment.weights"),
        ({"min_efect": 0.1}, "min_effect"),
    ],
)
def test_a_config_the_log_cannot_answer_exits_2_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keys: dict[str, object], needle: str
) -> None:
    simulated = Run(users=50)
    write(simulated, tmp_path)
    config(tmp_path, simulated, **keys)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", "experiment"])
    assert result.exit_code == 2, result.output
    assert needle in result.output
    assert "Traceback" not in result.output


def test_the_cli_decides_and_the_gate_reads_the_interval(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    better = Run(users=3000, accuracy={"control": 0.78, "treatment": 0.86}, seed=12)
    write(better, tmp_path)
    path = config(tmp_path, better)
    path.write_text(path.read_text() + '\n[gates]\n"experiment.difference_low" = { min = 0 }\n')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["gate", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["gates"][0]["passed"] is True
    same = Run(users=3000, seed=12)
    write(same, tmp_path)
    result = CliRunner().invoke(cli, ["gate", "--format", "json"])
    assert result.exit_code == 1, result.output  # no credible improvement: the gate blocks
