"""sekit's probe of the load generator itself, loaded by Locust beside the locustfile.

Written to ``.sekit/`` on every run (never imported by sekit: Locust monkey-patches the
standard library). In each Locust process that sends requests it measures whether the generator
kept up, over the measured period (after the warm-up):

* its loop delay: a greenlet sleeps 10 ms again and again and records how late it woke (a
  generator that waits for a CPU, or is busy, wakes late, and so does every answer it reads);
* the open model's schedule lag: how late each arrival left, against the moment it was due
  (``lag``, reported by the open locustfile);
* the CPU the process used, and the time it waited for one (``/proc/self/schedstat``).

It also counts failed requests by reason: Locust writes its failures file before the last
answers of a run are in (the open model waits for them), its JSON has no reasons.

A local run writes the summary at the end; workers send theirs to the master with their stats
reports, and the master writes them all. sekit reads the file (:mod:`sekit.checks.load.validity`).

The probe also ends the run, ``run_time`` seconds (warm-up and duration) after the test started:
Locust's own ``--run-time`` clock starts before its users do (half a second on a busy machine),
which would cut the measured period short; sekit passes a later ``--run-time`` as a safety net.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import gevent
from locust import events
from locust.env import Environment
from locust.runners import MasterRunner, WorkerRunner

PARAMS: dict[str, Any] = {  # sekit: parameters
    "out": "generator.json",
    "warmup": 0.0,
    "run_time": 10.0,
}
TICK = 0.01  # seconds the loop-delay greenlet sleeps each time


def bucket(ms: float) -> int:
    """Milliseconds rounded as Locust rounds response times (1 ms, then 10, then 100)."""
    if ms < 100:
        return max(0, round(ms))
    if ms < 1000:
        return int(round(ms, -1))
    return int(round(ms, -2))


def waited() -> float | None:
    """Seconds this process's main thread has waited for a CPU while it was ready to run."""
    try:
        return int(Path("/proc/self/schedstat").read_text(encoding="ascii").split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        return None


class Probe:
    """How late this process ran, over the measured period."""

    def __init__(self) -> None:
        self.reset()
        self.final: dict[str, Any] | None = None

    def reset(self) -> None:
        self.loop: dict[int, int] = {}
        self.lags: dict[int, int] = {}
        self.failures: dict[str, int] = {}
        self.worst = 0.0  # the latest an arrival left (s)
        self.stalled = 0.0  # the longest the loop overslept (s)
        self.cpu, self.wall, self.wait = time.process_time(), time.monotonic(), waited()

    def lag(self, seconds: float) -> None:
        """One arrival left ``seconds`` after it was due (the open locustfile calls this)."""
        key = bucket(max(seconds, 0.0) * 1000)
        self.lags[key] = self.lags.get(key, 0) + 1
        self.worst = max(self.worst, seconds)

    def failed(self, exception: BaseException) -> None:
        reason = (str(exception) or type(exception).__name__)[:200]
        if reason in self.failures or len(self.failures) < 50:
            self.failures[reason] = self.failures.get(reason, 0) + 1

    def delay(self, seconds: float) -> None:
        key = bucket(max(seconds, 0.0) * 1000)
        self.loop[key] = self.loop.get(key, 0) + 1
        self.stalled = max(self.stalled, seconds)

    def summary(self) -> dict[str, Any]:
        if self.final is not None:
            return self.final
        now_wait = waited()
        return {
            "pid": os.getpid(),
            "seconds": time.monotonic() - self.wall,
            "cpu_seconds": time.process_time() - self.cpu,
            "waited_seconds": None
            if now_wait is None or self.wait is None
            else now_wait - self.wait,
            "loop_ms": {str(k): v for k, v in self.loop.items()},
            "lag_ms": {str(k): v for k, v in self.lags.items()},
            "worst_lag_s": self.worst,
            "worst_loop_s": self.stalled,
            "failures": self.failures,
        }

    def watch(self) -> None:
        while True:
            before = time.perf_counter()
            gevent.sleep(TICK)
            self.delay(time.perf_counter() - before - TICK)


def write(document: dict[str, Any]) -> None:
    part = Path(f"{PARAMS['out']}.part")
    part.write_text(json.dumps(document), encoding="utf-8")
    part.replace(PARAMS["out"])


@events.init.add_listener
def _attach(environment: Environment, **kwargs: Any) -> None:
    probe = Probe()
    environment.sekit_probe = probe  # type: ignore[attr-defined]
    runner = environment.runner
    if runner is not None and not isinstance(runner, WorkerRunner):
        quit_run = runner.quit

        def end_in_time(**kw: Any) -> None:
            gevent.spawn_later(PARAMS["run_time"], quit_run)

        environment.events.test_start.add_listener(end_in_time)
    if isinstance(runner, MasterRunner):
        reports: dict[str, dict[str, Any]] = {}

        def gather(client_id: str, data: dict[str, Any], **kw: Any) -> None:
            if "sekit_probe" in data:
                reports[client_id] = data["sekit_probe"]
                write({"processes": list(reports.values())})

        environment.events.worker_report.add_listener(gather)
        return

    watching: list[gevent.Greenlet] = []

    def started(**kw: Any) -> None:
        probe.reset()
        probe.final = None
        watching.append(gevent.spawn(probe.watch))
        if PARAMS["warmup"] > 0:
            watching.append(gevent.spawn_later(PARAMS["warmup"], probe.reset))

    def stopped(**kw: Any) -> None:
        probe.final = probe.summary()
        gevent.killall(watching)
        watching.clear()
        if not isinstance(runner, WorkerRunner):
            write({"processes": [probe.final]})

    def request(exception: BaseException | None = None, **kw: Any) -> None:
        if exception is not None and probe.final is None:
            probe.failed(exception)

    environment.events.test_start.add_listener(started)
    environment.events.test_stop.add_listener(stopped)
    environment.events.request.add_listener(request)
    if isinstance(runner, WorkerRunner):

        def report(client_id: str, data: dict[str, Any], **kw: Any) -> None:
            data["sekit_probe"] = probe.summary()

        environment.events.report_to_master.add_listener(report)
