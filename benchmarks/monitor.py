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
from tests.checks.monitor.test_week import MONITOR, START, UNBOUNDED
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
                false_alarms[result.id] += result.status.blocks  # fail, or error (unmeasured)
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
        "accuracy_without_a_bound": unbounded(model, args.weeks, args.faulty),
        "seconds_per_week_all_checks": round(sum(seconds) / len(seconds), 2),
        "requests_per_week": "about 16900 (7 x 24 hourly windows)",
    }
    print(f"recorded in {record('monitor', numbers)}")


def unbounded(model: object, weeks: int, faulty: int) -> dict[str, object]:
    """monitor.accuracy with no bound anywhere (no [gates], no [monitor].min_accuracy): each
    window against the first day's. Clean weeks, and drops from Thursday 08:00 (labels flipped:
    50% takes accuracy from about 95% to 50%, 20% to about 77%, 10% to about 86%), with 40%
    and with every request labelled."""
    config_text = UNBOUNDED.format(window="1h")
    out: dict[str, object] = {}
    for labelled in (0.4, 1.0):
        clean = 0
        for seed in range(weeks):
            with tempfile.TemporaryDirectory() as folder:
                root = Path(folder)
                config = write_project(root, model, behaviour="", extra=config_text)
                week(root, model, seed=3000 + seed, labelled=labelled)
                clean += check_accuracy(Context(config)).status.blocks
        drops = {}
        for flip in (0.5, 0.2, 0.1):
            tally = {"found": 0, "first_window_exact": 0, "earlier": 0, "runs": faulty}
            for seed in range(faulty):
                with tempfile.TemporaryDirectory() as folder:
                    root = Path(folder)
                    config = write_project(root, model, behaviour="", extra=config_text)
                    week(
                        root,
                        model,
                        fault="accuracy",
                        start=START,
                        seed=4000 + seed,
                        labelled=labelled,
                        flip=flip,
                    )
                    result = check_accuracy(Context(config))
                    hits = [f for f in result.findings if f.kind == "accuracy_drop"]
                    hits = [f for f in hits if f.severity.value == "fail"]
                    if hits:
                        first = hits[0].evidence["first_window"]
                        tally["found"] += 1
                        tally["first_window_exact"] += first == hour_start(START)
                        tally["earlier"] += first < hour_start(START)
            drops[f"flip {flip:g}"] = tally
        out[f"labelled {labelled:g}"] = {"clean_weeks_failed": clean, "weeks": weeks, **drops}
        print(f"no bound, labelled {labelled:g}: {out[f'labelled {labelled:g}']}", flush=True)
    return out


if __name__ == "__main__":
    main()
