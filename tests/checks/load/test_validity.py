"""The validity verdict on what the generator's probe wrote: each rule as data, and the
per-bound decision (a pass stays a pass; a fail must survive the generator's own delay)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sekit.checks.load.validity import Generator, invalid, read_generator, undecided


def process(**changes: Any) -> dict[str, Any]:
    """One Locust process's probe summary: 10 s, 5% of a CPU, a few ms late at most."""
    summary = {
        "pid": 1,
        "seconds": 10.0,
        "cpu_seconds": 0.5,
        "waited_seconds": 0.2,
        "loop_ms": {"0": 900, "1": 90, "3": 10},
        "lag_ms": {"0": 950, "2": 30, "7": 20},
        "worst_lag_s": 0.007,
        "worst_loop_s": 0.003,
    }
    return {**summary, **changes}


def written(tmp_path: Path, *processes: dict[str, Any]) -> Generator | None:
    path = tmp_path / "generator.json"
    path.write_text(json.dumps({"processes": list(processes)}))
    return read_generator(path)


def test_a_healthy_generator_measured_the_service(tmp_path: Path) -> None:
    generator = written(tmp_path, process())
    assert generator is not None
    assert generator.delay_ms == 7  # the 99th percentile of the lag, above the loop's
    assert generator.cpu == pytest.approx(0.05)
    assert generator.waited == pytest.approx(0.02)
    assert invalid(generator, 200) is None


@pytest.mark.parametrize(
    ("changes", "bound", "reason"),
    [
        ({"cpu_seconds": 9.5}, 200, "the load generator used 95% of a CPU"),
        ({"worst_lag_s": 1.8}, 200, "the load generator fell 1.8 s behind its schedule"),
        ({"worst_lag_s": 1.8}, 2500, None),  # within a bound that is longer than a second
        ({"worst_lag_s": 3.0}, 2500, "fell 3.0 s behind its schedule"),
        ({"worst_loop_s": 1.5}, None, "the load generator stalled for 1.5 s"),
        (
            {"worst_lag_s": 2.0, "waited_seconds": 8.3},
            200,
            "fell 2.0 s behind its schedule; it waited for a CPU 83% of the time",
        ),
    ],
)
def test_each_rule(
    tmp_path: Path, changes: dict[str, Any], bound: float | None, reason: str | None
) -> None:
    found = invalid(written(tmp_path, process(), process(pid=2, **changes)), bound)
    if reason is None:
        assert found is None
    else:
        assert found is not None and reason in found


@pytest.mark.parametrize(
    "document",
    ["", "{}", '{"processes": []}', '{"processes": [{"seconds": 0}]}', "not json"],
)
def test_a_probe_that_reported_nothing_is_never_a_measurement(
    tmp_path: Path, document: str
) -> None:
    path = tmp_path / "generator.json"
    path.write_text(document)
    assert read_generator(path) is None
    assert "probe reported nothing" in (invalid(None, 200) or "")
    assert read_generator(tmp_path / "missing.json") is None


def test_processes_are_merged_the_worst_decides(tmp_path: Path) -> None:
    late = process(pid=2, lag_ms={"40": 100}, cpu_seconds=2.0, worst_lag_s=0.04)
    generator = written(tmp_path, process(), late)
    assert generator is not None
    assert generator.processes == 2
    assert generator.cpu == pytest.approx(0.2)
    assert generator.delay_ms == 40  # 100 of 1,100 lags at 40 ms: above the 99th percentile
    assert generator.evidence()["generator_behind_s"] == 0.04


@pytest.mark.parametrize(
    ("value", "bound", "delay", "decided"),
    [
        (150.0, 200.0, 500.0, True),  # under the bound: a pass, the generator only adds
        (230.0, 200.0, 45.0, False),  # 30 ms over, 45 ms of it may be the generator's
        (260.0, 200.0, 45.0, True),  # 60 ms over: more than the generator's delay
        (4400.0, 200.0, 4400.0, False),  # a starved generator: all of it may be its own
    ],
)
def test_a_fail_must_survive_the_generators_own_delay(
    value: float, bound: float, delay: float, decided: bool
) -> None:
    generator = Generator(
        processes=1, seconds=10, cpu=0.1, waited=None, lag_ms={delay: 100}, loop_ms={1.0: 100}
    )
    reason = undecided("p95", value, bound, generator)
    assert (reason is None) is decided
    if reason is not None:
        assert f"load generator's own delay ({delay:g} ms, p99)" in reason
