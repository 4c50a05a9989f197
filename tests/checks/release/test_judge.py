"""release.online's verdict on recorded answers (no services): the latency rule's false-alarm
rate and power on simulated latency samples, the agreement interval, and when errors are the
new model's fault; and the promote / roll back decision."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sekit.checks.load.validity import Generator
from sekit.checks.release.online import ONLINE_CHECK, judge
from sekit.config.loader import load_config
from sekit.config.schema import Config
from sekit.gate import release_decision as decision
from sekit.report.model import GateResult
from sekit.results import CheckResult, Outcome, Status
from sekit.stats import quantile_ratio
from sekit.subjects.answers import Arm, read_samples
from tests.helpers import finding


def stamped(outcome: Outcome) -> CheckResult:
    """The result the runner makes of ``release.online``'s outcome."""
    return CheckResult.stamped(outcome, id=ONLINE_CHECK.id, suite=ONLINE_CHECK.suite)


@pytest.fixture
def config(tmp_path: Path) -> Config:
    (tmp_path / "sekit.toml").write_text(
        '[project]\nname = "r"\n[model]\npath = "m.joblib"\ntask = "classification"\n'
        '[release]\nprediction_field = "label"\n'
    )
    return load_config(tmp_path)


def arm(
    latencies: np.ndarray, answers: dict[int, object], failures: int = 0, fallbacks: int = 0
) -> Arm:
    made = Arm(latencies=[float(v) for v in latencies], requests=len(latencies) + failures)
    made.failures, made.fallbacks = failures, fallbacks
    made.answers = {i: [a] for i, a in answers.items()}
    return made


def served(rng: np.random.Generator, n: int, extra_ms: float = 0.0) -> np.ndarray:
    """Latencies as a loaded machine serves them: lognormal around 20 ms, a long tail."""
    return rng.lognormal(np.log(20), 0.6, n) + extra_ms


def flagged(config: Config, new: np.ndarray, old: np.ndarray) -> bool:
    same = dict.fromkeys(range(50), "benign")
    result = judge({"candidate": arm(new, same), "deployed": arm(old, same)}, config)
    return any(f.kind == "release_latency" for f in result.findings)


@pytest.mark.slow  # simulations
def test_the_latency_rule_rarely_blocks_an_equal_model_and_catches_a_slow_one(
    config: Config,
) -> None:
    rng = np.random.default_rng(0)
    runs = 100
    false_alarms = sum(flagged(config, served(rng, 150), served(rng, 150)) for _ in range(runs))
    caught = sum(flagged(config, served(rng, 150, 60), served(rng, 150)) for _ in range(runs))
    assert false_alarms <= 2  # measured 0/100
    assert caught >= 98  # measured 100/100


def test_the_ratio_interval_covers_the_truth() -> None:
    rng = np.random.default_rng(1)
    ratio, (low, high) = quantile_ratio(list(served(rng, 300) * 2), list(served(rng, 300)))
    assert ratio is not None and low < 2 < high
    assert quantile_ratio([1.0], [1.0, 2.0]) == (None, (0.0, float("inf")))


def test_agreement_needs_enough_inputs_to_block(config: Config) -> None:
    fast = np.full(100, 10.0)
    few = judge(
        {
            "candidate": arm(fast, {i: "a" if i < 8 else "b" for i in range(10)}),
            "deployed": arm(fast, dict.fromkeys(range(10), "a")),
        },
        config,
    )
    assert few.status is Status.PASS  # 80% of 10: the interval reaches 94%
    assert few.metrics["agreement"] == pytest.approx(0.8)
    assert [f.severity.value for f in few.findings] == ["info"]
    many = judge(
        {
            "candidate": arm(fast, {i: "a" if i % 5 < 3 else "b" for i in range(50)}),
            "deployed": arm(fast, dict.fromkeys(range(50), "a")),
        },
        config,
    )
    assert many.status is Status.FAIL
    assert many.findings[0].kind == "release_disagreement"


def test_regression_answers_agree_within_the_tolerance(tmp_path: Path) -> None:
    (tmp_path / "sekit.toml").write_text(
        '[project]\nname = "r"\n[model]\npath = "m.joblib"\ntask = "regression"\n'
        '[release]\nprediction_field = "y"\ntolerance = 0.05\n'
    )
    config = load_config(tmp_path)
    fast = np.full(100, 10.0)
    near = judge(
        {
            "candidate": arm(fast, {i: 100.0 + i * 0.04 for i in range(50)}),
            "deployed": arm(fast, dict.fromkeys(range(50), 100.0)),
        },
        config,
    )
    assert near.metrics["agreement"] == pytest.approx(1.0)
    assert near.status is Status.PASS


def test_errors_block_only_when_they_are_the_new_models(config: Config) -> None:
    fast = np.full(200, 10.0)
    same = dict.fromkeys(range(50), "a")
    alone = judge({"candidate": arm(fast, same, fallbacks=20), "deployed": arm(fast, same)}, config)
    assert alone.status is Status.FAIL and alone.findings[0].kind == "release_errors"
    alike = judge(
        {"candidate": arm(fast, same, failures=8), "deployed": arm(fast, same, failures=8)},
        config,
    )
    assert alike.status is Status.WARN
    assert "both models degrade alike" in alike.findings[0].message
    dead = judge(
        {"candidate": arm(np.array([]), {}, failures=30), "deployed": arm(fast, same)}, config
    )
    assert dead.status is Status.FAIL
    assert "no answer succeeded" in dead.findings[0].message


def shadow_pairs(rng: np.random.Generator, calls: int, extra: float) -> dict[str, Arm]:
    """Shadow answers on a busy machine: bursts (a two-state Markov chain, ~10% of the time)
    in which both answers of a call time out with probability 0.5 each, 1% outside; the new
    model falls back on another ``extra`` share of calls on its own."""
    arms = {"candidate": Arm(), "deployed": Arm()}
    burst = False
    for call in range(calls):
        burst = rng.random() < (0.8 if burst else 0.025)
        rate = 0.5 if burst else 0.01
        for name, own in (("candidate", extra), ("deployed", 0.0)):
            down = bool(rng.random() < rate or rng.random() < own)
            made = arms[name]
            made.requests += 1
            made.fallbacks += down
            made.latencies.append(10.0)
            made.degraded[call] = down
            made.answers[call % 50] = ["a"]
    return arms


@pytest.mark.slow  # simulations
def test_bursts_of_timeouts_on_a_busy_machine_do_not_blame_an_equal_model(
    config: Config,
) -> None:
    """Fisher's test assumes independent answers; a burst makes them move together. Paired by
    call, the exact test keeps its level: at most 5% (+ binomial noise) of 200 simulated runs
    of identical models are blamed, and a new model that falls back on 10% more calls of its
    own is caught in at least 80%."""
    rng = np.random.default_rng(7)

    def blamed(extra: float) -> float:
        runs = [judge(shadow_pairs(rng, 180, extra), config) for _ in range(200)]
        return np.mean(
            [
                any(f.kind == "release_errors" and f.severity == "fail" for f in r.findings)
                for r in runs
            ]
        )

    assert blamed(0.0) <= 0.05 + 2 * np.sqrt(0.05 * 0.95 / 200)
    assert blamed(0.10) >= 0.8


def test_nothing_recorded_never_promotes(config: Config) -> None:
    result = judge({"candidate": Arm(), "deployed": Arm()}, config)
    assert result.status is Status.FAIL
    made = decision([stamped(result)], [])
    assert made is not None and made.decision == "roll back"


def test_samples_are_read_leniently(tmp_path: Path) -> None:
    path = tmp_path / "samples.jsonl"
    path.write_text(
        '["candidate", 0, 200, 12.5, "a", false, 0]\n["deployed", 0, 500, 3.0, null, null, 0]\n'
        '["candidate", 1, 200, 9.0, "b", true]\n["deployed", 1, 2'
    )
    arms = read_samples(path)
    assert arms["candidate"].requests == 2 and arms["candidate"].fallbacks == 1
    assert arms["deployed"].failures == 1 and arms["deployed"].latencies == []
    assert arms["candidate"].degraded == {0: False} and arms["deployed"].degraded == {0: True}


def test_the_decision_follows_checks_and_release_gates() -> None:
    passed = CheckResult(id="release.online", suite="release", status=Status.PASS, summary="ok")
    promoted = decision([passed], [])
    assert promoted is not None and promoted.decision == "promote"
    other = CheckResult(id="data.x", suite="data", status=Status.FAIL, summary="bad")
    assert decision([other], []) is None  # no release check ran
    gate = GateResult(metric="release.p95_ratio", max=1.2, value=1.4, passed=False)
    gated = decision([passed], [gate])
    assert gated is not None and gated.decision == "roll back"
    errored = CheckResult(
        id="release.accuracy",
        suite="release",
        status=Status.ERROR,
        summary="no model",
        findings=[finding("check_error")],
    )
    rolled = decision([passed, errored], [])
    assert (
        rolled is not None
        and rolled.decision == "roll back"
        and "could not measure" in rolled.reasons[0]
    )


def generator(delay_ms: float, *, cpu: float = 0.2, worst_loop_s: float = 0.0) -> Generator:
    """What sekit's probe reports of a generator whose loop ran ``delay_ms`` late (p99)."""
    return Generator(
        processes=1,
        seconds=10,
        cpu=cpu,
        waited=0.3,
        loop_ms={1.0: 98, delay_ms: 2},
        worst_loop_s=worst_loop_s,
    )


@pytest.mark.parametrize(
    ("extra_ms", "probe", "kind", "status"),
    [
        (60.0, generator(5), "release_latency", Status.FAIL),  # slower by more than the delay
        (60.0, generator(200), "invalid_measurement", Status.ERROR),  # may be the generator's
        (0.0, generator(5, cpu=0.97), "invalid_measurement", Status.ERROR),  # it set the pace
        (0.0, generator(5, worst_loop_s=2.5), "invalid_measurement", Status.ERROR),  # stalled
        (0.0, None, "invalid_measurement", Status.ERROR),  # the probe said nothing
        (0.0, generator(200), None, Status.PASS),  # no difference to explain
    ],
)
def test_a_latency_comparison_the_generator_could_have_made_is_not_a_verdict(
    config: Config, extra_ms: float, probe: Generator | None, kind: str | None, status: Status
) -> None:
    """A loaded runner once rolled back a smaller model as "slower": a difference the
    generator's own delay could explain, or a generator that could not keep up, is an error
    that names the generator (the release still rolls back, as could not measure)."""
    rng = np.random.default_rng(1)
    same = dict.fromkeys(range(50), "benign")
    new, old = arm(served(rng, 300, extra_ms), same), arm(served(rng, 300), same)
    result = judge({"candidate": new, "deployed": old}, config, generator=probe, probed=True)
    assert result.status is status
    assert [f.kind for f in result.findings if f.severity.value != "info"] == (
        [kind] if kind else []
    )
    if kind == "invalid_measurement":
        assert "load generator" in result.findings[0].message
        made = decision([stamped(result)], [])
        assert made is not None and made.decision == "roll back"
        assert "could not measure" in made.reasons[0]
