"""The release exercise's guard against a service made slower for every model, on samples
written as `sekit check release` writes them: fast, no services needed."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from sekit.exercises.catalogue import EXERCISES
from sekit.exercises.judge import _slower_for_everyone


def project(tmp_path: Path, deployed_ms: np.ndarray, bound: float | None = 200) -> Path:
    samples = tmp_path / ".sekit" / "release-samples.jsonl"
    samples.parent.mkdir()
    with samples.open("w") as out:
        for call, ms in enumerate(deployed_ms):
            out.write(json.dumps(["deployed", call % 50, 200, float(ms), 1, False, call]) + "\n")
            out.write(json.dumps(["candidate", call % 50, 200, float(ms) + 60, 1, False, call]))
            out.write("\n")
        out.write(json.dumps(["deployed", 0, 0, 5000.0, None, False, -1]) + "\n")  # a failure
    return tmp_path


def config(bound: float | None) -> SimpleNamespace:
    gates = {} if bound is None else {"load.p95_ms": SimpleNamespace(max=bound)}
    return SimpleNamespace(gates=gates)


RNG = np.random.default_rng(7)
# a busy runner: a fast median, a long tail (the CI run that rejected the handed-out project
# had a 221 ms p95 for the deployed model)
BUSY = RNG.lognormal(np.log(25), 1.6, 200)
SLEPT = BUSY + 300  # every answer slowed by 300 ms: the ensemble's ratio falls below 1.5


@pytest.mark.parametrize(
    ("latencies", "bound", "rejected"),
    [(BUSY, 200, False), (SLEPT, 200, True), (SLEPT, None, False), (BUSY[:0], 200, False)],
    ids=["busy-runner", "slept", "no-load-gate", "no-answers"],
)
def test_only_a_slowed_deployed_model_is_called_a_cheat(
    tmp_path: Path, latencies: np.ndarray, bound: float | None, rejected: bool
) -> None:
    assert np.percentile(BUSY, 95) > 200  # the tail alone would have been blamed
    message = _slower_for_everyone(
        EXERCISES["bad-release"], config(bound), project(tmp_path, latencies)
    )
    assert (message is not None) is rejected
    if rejected:
        assert message is not None and "(median), above half the 200 ms bound" in message


def test_other_suites_and_missing_samples_are_not_judged(tmp_path: Path) -> None:
    assert _slower_for_everyone(EXERCISES["slow-service"], config(200), tmp_path) is None
    assert _slower_for_everyone(EXERCISES["bad-release"], config(200), tmp_path) is None
