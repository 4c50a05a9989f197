"""How often `sekit check monitor`'s cost check is right on simulated weeks of an LLM-backed
service (tests/checks/monitor/test_cost.py: prompt and answer tokens lognormal, a daily cycle
of about 50-150 requests an hour, priced per 1,000 tokens).

    OMP_NUM_THREADS=1 python benchmarks/cost.py [--weeks 200]

* **At the bound** (the hardest clean case): the prices are scaled so that the true mean cost
  per request equals max_per_request exactly; a week with any window reported is a false alarm
  (the claim: at most [monitor].p_value = 5% of weeks, Holm over the 168 windows).
* **Clean**: the true mean 26% below the bound (the scaffold-like case): false alarms.
* **Faults**: from Thursday 08:00 the prompt grows 2x or 3x (mean cost 0.000645 / 0.000845,
  7.5% / 41% above the bound of 0.0006): how often it is found, how many hours after it
  started the first window named is (median), and whether any window before it is named.

Run it from the repository root in an environment with sekit-ml[dev].
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _record import record

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sekit.checks.context import Context
from sekit.checks.monitor.cost import check_cost
from tests.checks.model.conftest import write_project
from tests.checks.model.models import clean_model
from tests.checks.monitor.test_cost import PRICES, START, llm_week
from tests.checks.monitor.week import hour_start

MEAN = 0.000445  # the simulated week's true mean cost per request at PRICES


def judged(model: object, prices: str, **week: object) -> tuple[bool, str | None, bool]:
    """Whether a window was reported, the first one, and whether any was before START."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        config = write_project(root, model, behaviour="", extra=prices)
        llm_week(root, **week)  # type: ignore[arg-type]
        result = check_cost(Context(config))
    if result.status.value == "error":  # the bound was not measured: it blocks, no window
        return True, None, False
    fails = [f for f in result.findings if f.kind == "cost" and f.severity.value == "fail"]
    if not fails:
        return False, None, False
    windows = fails[0].evidence["broken_windows"]
    return True, windows[0], min(windows) < hour_start(START)


def hours_after(window: str) -> float:
    from datetime import datetime

    start = datetime.fromisoformat(hour_start(START).replace("Z", "+00:00"))
    return (datetime.fromisoformat(window.replace("Z", "+00:00")) - start).total_seconds() / 3600


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--weeks", type=int, default=200)
    weeks = parser.parse_args().weeks
    model = clean_model()
    at_bound = PRICES.replace("max_per_request = 0.0006", f"max_per_request = {MEAN}")
    started = time.monotonic()
    numbers: dict[str, object] = {"weeks": weeks, "level": 0.05}
    for name, prices in (("at_bound", at_bound), ("clean", PRICES)):
        alarms = sum(judged(model, prices, seed=seed, grow=1.0)[0] for seed in range(weeks))
        numbers[f"{name}_false_alarm_weeks"] = alarms
        print(f"{name}: {alarms}/{weeks} weeks with a window reported", flush=True)
    for grow in (2.0, 3.0):
        found = on_time = early = 0
        delays = []
        for seed in range(weeks):
            hit, first, before = judged(model, PRICES, seed=10_000 + seed, grow=grow)
            found += hit
            on_time += first == hour_start(START)
            early += before
            if first is not None:
                delays.append(hours_after(first))
        median = statistics.median(delays) if delays else None
        numbers[f"grow_{grow}"] = {
            "found": found,
            "first_window_on_time": on_time,
            "median_delay_hours": median,
            "early": early,
        }
        print(
            f"prompt x{grow}: found {found}/{weeks}, on time {on_time}, median delay "
            f"{median} h, early {early}",
            flush=True,
        )
    numbers["seconds"] = round(time.monotonic() - started, 1)
    print(record("cost", numbers))


if __name__ == "__main__":
    main()
