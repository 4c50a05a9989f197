"""load.locust's pictures: a percentile is red exactly when its gate blocked; the latency chart
has time ticks, and its labels (warm-up, the limit, the legend) never overlap."""

from __future__ import annotations

import pytest

from sekit.checks.load.figures import History, figures
from sekit.checks.load.kinds import LATENCY
from sekit.config.schema import Gate
from sekit.gate import evaluate_gates
from sekit.results import CheckResult
from tests.report.svgread import red_bars, texts


def result(p95: float) -> CheckResult:
    history = [
        {
            "t": float(t),
            "users": 5,
            "rps": 40.0,
            "failures_per_s": 0.0,
            "p50_ms": 20.0,
            "p95_ms": p95,
            "p99_ms": p95 * 1.2,
            "warmup": t < 2,
        }
        for t in range(20)
    ]
    kept = History.model_validate({"history": history, "users": 5, "distribution": {}})
    return CheckResult.from_findings(
        id="load.locust",
        suite="load",
        findings=[kept.finding(LATENCY, "per second")],
        metrics={"p50_ms": 20.0, "p95_ms": p95, "p99_ms": p95 * 1.2},
    )


@pytest.mark.parametrize(("p95", "red"), [(150.0, set()), (250.0, {"p95"})])
def test_a_percentile_is_red_when_its_gate_blocks(p95: float, red: set[str]) -> None:
    checked = result(p95)
    gates = {
        g.metric: g
        for g in evaluate_gates(
            {f"load.{k}": v for k, v in checked.metrics.items()}, {"load.p95_ms": Gate(max=200)}
        )
    }
    drawn = {f.name: f.svg for f in figures(checked, gates)}
    assert red_bars(drawn["percentiles"]) == red
    assert red_bars(figures(checked, {})[2].svg) == set()  # no gate, nothing judged


def test_the_time_axis_has_ticks() -> None:
    drawn = {f.name: f.svg for f in figures(result(150.0), {})}
    labels = texts(drawn["latency"])
    assert {"0", "5", "10", "15"} <= set(labels)
    assert "time since the start (s)" in labels
