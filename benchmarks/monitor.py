"""How often `sekit check monitor` is right on simulated weeks of served traffic
(tests/checks/monitor/week.py: the breast cancer test rows answered by the clean test model,
a daily traffic cycle of about 50-150 requests an hour, 40% of them labelled): false alarms
on clean weeks (any check failing), and for each injected fault how often it is found and how
often the first window named is the hour the fault started (never earlier is the claim).

    OMP_NUM_THREADS=1 python benchmarks/monitor.py [--weeks 20] [--faulty 10]

Run it from the repository root in an environment with sekit-ml[dev].
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from _record import record

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sekit.checks.context import Context
from sekit.checks.monitor.accuracy import check_accuracy
from sekit.checks.monitor.drift import check_drift
from sekit.checks.monitor.slo import check_slo
from tests.checks.model.conftest import write_project
from tests.checks.model.models import clean_model
from tests.checks.monitor.test_week import MONITOR, START
from tests.checks.monitor.week import hour_start, week

FAULTS = {
    "drift": (check_drift, "drift"),
    "accuracy": (check_accuracy, "accuracy_drop"),
    "latency": (check_slo, "latency"),
    "outage": (check_slo, "availability"),
    "fallback": (check_slo, "error_rate"),
    # over the whole week, not per window: no first window to name
    "unfair": (check_accuracy, "unfair_outcome"),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--weeks", type=int, default=20)
    parser.add_argument("--faulty", type=int, default=10)
    args = parser.parse_args()
    model = clean_model()
    false_alarms = {"monitor.slo": 0, "monitor.accuracy": 0, "monitor.drift": 0}
    seconds: list[float] = []
    for seed in range(args.weeks):
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            config = write_project(root, model, behaviour="", extra=MONITOR)
            week(root, model, seed=1000 + seed)
            started = time.perf_counter()
            ctx = Context(config)
            for check in (check_slo, check_accuracy, check_drift):
                result = check(ctx)
                false_alarms[result.id] += result.status.value == "fail"
            seconds.append(time.perf_counter() - started)
        print(f"clean week {seed}: {false_alarms}", flush=True)
    found: dict[str, dict[str, int]] = {}
    for fault, (check, kind) in FAULTS.items():
        tally = {"found": 0, "first_window_exact": 0, "earlier": 0, "runs": args.faulty}
        for seed in range(args.faulty):
            with tempfile.TemporaryDirectory() as folder:
                root = Path(folder)
                config = write_project(root, model, behaviour="", extra=MONITOR)
                week(root, model, fault=fault, start=START, seed=2000 + seed)
                result = check(Context(config))
                hits = [f for f in result.findings if f.kind == kind and f.severity.value == "fail"]
                if hits:
                    tally["found"] += 1
                    first = hits[0].evidence.get("first_window")
                    if first is not None:
                        tally["first_window_exact"] += first == hour_start(START)
                        tally["earlier"] += first < hour_start(START)
        found[fault] = tally
        print(f"{fault}: {tally}", flush=True)
    numbers = {
        "clean_weeks": args.weeks,
        "false_alarms": false_alarms,
        "faults": found,
        "seconds_per_week_all_checks": round(sum(seconds) / len(seconds), 2),
        "requests_per_week": "about 16900 (7 x 24 hourly windows)",
    }
    print(f"recorded in {record('monitor', numbers)}")


if __name__ == "__main__":
    main()
