"""``load.locust``'s pictures: response time and throughput per second, and the percentiles,
from the per-second history it keeps (:class:`History`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from sekit.results import Evidence

if TYPE_CHECKING:
    from sekit.report.model import GateResult
    from sekit.report.svg import Figure
    from sekit.results import CheckResult


class Second(BaseModel):
    """One second of the Locust run (its ``_stats_history.csv``)."""

    t: float
    users: int
    rps: float | None
    failures_per_s: float | None
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    warmup: bool


class History(Evidence):
    """The run second by second, how the load was generated (the open model's arrival rate,
    or the closed loop's users) and how Locust was spread over processes."""

    name = "load_history"

    history: list[Second]
    users: int
    distribution: dict[str, Any]
    mode: str = "closed"
    rate: float | None = None
    generator: dict[str, Any] | None = None  # how the load generator kept up (validity)


def _blocked(gate: GateResult | None) -> bool:
    return gate is not None and not gate.passed


def figures(result: CheckResult, gates: Mapping[str, GateResult]) -> list[Figure]:
    from sekit.report import svg

    drawn: list[svg.Figure] = []
    p95_gate = gates.get("load.p95_ms")
    limit = p95_gate.max if p95_gate is not None else None
    found = History.read(result)
    if found is not None and found.history:
        rows = found.history
        warmup = max((r.t for r in rows if r.warmup), default=None)
        latency = svg.lines(
            {"p50": [(r.t, r.p50_ms) for r in rows], "p95": [(r.t, r.p95_ms) for r in rows]},
            x_label="time since the start (s)",
            y_label="response time (ms)",
            limit=limit,
            shade_until=warmup,
        )
        drawn.append(
            svg.Figure(
                "latency",
                "Response time per second of the load test (p50, p95; "
                + (
                    "the open model: from the moment each request was due"
                    if found.mode == "open"
                    else "the closed loop"
                )
                + "); the grey band is the warm-up, excluded from the statistics.",
                latency,
            )
        )
        throughput = svg.lines(
            {"requests/s": [(r.t, r.rps) for r in rows]},
            x_label="time since the start (s)",
            y_label="requests per second",
        )
        drawn.append(svg.Figure("throughput", "Requests per second.", throughput))
    if result.metrics.get("p50_ms") is not None:
        blocked = {name for name in ("p50", "p95", "p99") if _blocked(gates.get(f"load.{name}_ms"))}
        bars = svg.bars(
            [
                svg.Bar(name, result.metrics.get(f"{name}_ms") or 0.0, marked=name in blocked)
                for name in ("p50", "p95", "p99")
            ],
            limit=limit,
            unit=" ms",
            axis="response time (ms)",
        )
        drawn.append(
            svg.Figure(
                "percentiles",
                "Percentiles over the measured period; red bars are the ones whose gate blocked.",
                bars,
            )
        )
    return drawn
