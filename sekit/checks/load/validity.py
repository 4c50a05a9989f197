"""Did the run measure the service, or the load generator?

On a busy machine the load generator competes with the service, and with everything else, for
the cores. A starved generator sends late and reads answers late, and its delay lands in every
latency it reports: without a check, a starved runner looks like a slow model. sekit's probe
(:mod:`._probe`) measures the generator in each Locust process over the measured period; this
module turns that into a verdict.

**The generator's own delay** (:attr:`Generator.delay_ms`) is the 99th percentile of how late
it ran: the open model's schedule lag (how late each arrival left) or its loop delay (how late
a 10 ms sleep woke), whichever is larger. A latency it reports is the service's plus about that
much at most, so a measured latency under its bound is a pass whatever the generator did (it only
ever adds), and one above the bound is a fail only when it stays above once the generator's
delay is taken off.

**A run did not measure the service** (status ``error``, which blocks, with the reason; never a
pass or a fail) when

* the probe reported nothing: sekit cannot tell how the generator fared;
* a generator process used 90% of a CPU or more: it, not the service, set the pace (Locust
  warns at the same share);
* the generator fell behind its schedule, or its loop stalled, by more than a second (or by more
  than the tightest latency bound, when that is longer): it did not send the load it was asked
  to, when it was asked to;
* a latency is above its bound by less than the generator's own delay (:func:`undecided`): the
  excess may be the generator's.

The CPU the generator waited for (``/proc/self/schedstat``) is shown as the likely cause.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sekit.checks.load.locust import percentile

BUSY = 0.9  # share of one CPU at which a generator process is the bottleneck
BEHIND_S = 1.0  # seconds behind its schedule at which a generator is not keeping one
QUANTILE = 0.99  # of the generator's delays: its "own delay"


@dataclass(frozen=True)
class Generator:
    """How the load generator kept up over the measured period, all its processes together."""

    processes: int
    seconds: float
    cpu: float  # the busiest process: CPU seconds per second
    waited: float | None  # the most starved process: seconds waiting for a CPU per second
    loop_ms: dict[float, int] = field(default_factory=dict)
    lag_ms: dict[float, int] = field(default_factory=dict)
    worst_lag_s: float = 0.0
    worst_loop_s: float = 0.0
    failures: dict[str, int] = field(default_factory=dict)  # failed requests by reason

    @property
    def delay_ms(self) -> float:
        """The generator's own delay: the 99th percentile of its schedule lag or loop delay."""
        found = [percentile(h, QUANTILE) for h in (self.loop_ms, self.lag_ms)]
        return max((v for v in found if v is not None), default=0.0)

    @property
    def behind_s(self) -> float:
        """The furthest it fell behind: its latest arrival, or its longest loop stall."""
        return max(self.worst_lag_s, self.worst_loop_s)

    def evidence(self) -> dict[str, Any]:
        return {
            "generator_processes": self.processes,
            "generator_cpu": round(self.cpu, 3),
            "generator_waited_for_cpu": None if self.waited is None else round(self.waited, 3),
            "generator_delay_ms": self.delay_ms,
            "schedule_lag_p99_ms": percentile(self.lag_ms, QUANTILE),
            "loop_delay_p99_ms": percentile(self.loop_ms, QUANTILE),
            "generator_behind_s": round(self.behind_s, 3),
        }

    def cause(self) -> str:
        """Why, most likely: the share of time it waited for a CPU, when that is known."""
        if self.waited is None or self.waited < 0.05:
            return ""
        return f"; it waited for a CPU {self.waited:.0%} of the time"


def read_generator(path: Path) -> Generator | None:
    """What the probe wrote (``generator.json``), or None when it wrote nothing usable."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        processes = [p for p in document["processes"] if p.get("seconds", 0) > 0]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not processes:
        return None

    def merged(key: str) -> dict[float, int]:
        total: dict[float, int] = {}
        for process in processes:
            for bucket, count in process.get(key, {}).items():
                total[float(bucket)] = total.get(float(bucket), 0) + int(count)
        return total

    waits = [p["waited_seconds"] / p["seconds"] for p in processes if p.get("waited_seconds")]
    failures: dict[str, int] = {}
    for process in processes:
        for reason, count in process.get("failures", {}).items():
            failures[reason] = failures.get(reason, 0) + int(count)
    return Generator(
        processes=len(processes),
        seconds=max(p["seconds"] for p in processes),
        cpu=max(p["cpu_seconds"] / p["seconds"] for p in processes),
        waited=max(waits) if waits else None,
        loop_ms=merged("loop_ms"),
        lag_ms=merged("lag_ms"),
        worst_lag_s=max(float(p.get("worst_lag_s", 0.0)) for p in processes),
        worst_loop_s=max(float(p.get("worst_loop_s", 0.0)) for p in processes),
        failures=failures,
    )


def invalid(generator: Generator | None, tightest_bound_ms: float | None) -> str | None:
    """Why the run did not measure the service, or None when it did (as far as the generator
    goes: :func:`undecided` judges each latency bound)."""
    if generator is None:
        return (
            "the load generator's probe reported nothing, so sekit cannot tell whether the run "
            "measured the service or the generator"
        )
    if generator.cpu >= BUSY:
        return (
            f"the load generator used {generator.cpu:.0%} of a CPU: it, not the service, set the "
            "pace (add [load].processes, or lower the rate)"
        )
    limit = max(BEHIND_S, (tightest_bound_ms or 0.0) / 1000)
    if generator.worst_lag_s > limit:
        return (
            f"the load generator fell {generator.worst_lag_s:.1f} s behind its schedule"
            + generator.cause()
        )
    if generator.worst_loop_s > limit:
        return f"the load generator stalled for {generator.worst_loop_s:.1f} s" + generator.cause()
    return None


def undecided(name: str, value_ms: float, bound_ms: float, generator: Generator) -> str | None:
    """The reason a latency above its bound cannot be called a fail, or None when it can:
    above the bound by less than the generator's own delay, the excess may be the generator's."""
    delay = generator.delay_ms
    if value_ms <= bound_ms or value_ms - delay > bound_ms:
        return None
    return (
        f"{name} latency is {value_ms:g} ms, above the bound of {bound_ms:g} ms by less than the "
        f"load generator's own delay ({delay:g} ms, p99): the run cannot tell a slow service from "
        "a slow generator" + generator.cause()
    )


def unclear_difference(
    new_ms: float, old_ms: float, slack_ms: float, generator: Generator
) -> str | None:
    """The reason a p95 difference between two models measured by one generator cannot be
    called a slowdown, or None when it can (or is within ``slack_ms`` anyway): no larger than
    the generator's own delay, the difference may be the generator's (``release.online``)."""
    delay = generator.delay_ms
    if new_ms - old_ms <= slack_ms or new_ms - old_ms > delay:
        return None
    return (
        f"the new model's p95 ({new_ms:.0f} ms) is above the deployed model's ({old_ms:.0f} ms) "
        f"by no more than the load generator's own delay ({delay:g} ms, p99): the run cannot "
        "tell a slower model from a slow generator" + generator.cause()
    )
