"""The whole native data suite against Deepchecks' data_integrity + train_test_validation.

Train and test of ROWS x 20 columns (12 float, 3 int, 5 categorical, plus the label), generated
here with a few real faults (1% missing values, a few out-of-range values, one drifted feature).
Both engines get the same in-memory frames, side by side in one run; Deepchecks gets the full
frames (no pre-sampling by sekit). Reading files is not timed; both are timed without tracing
(the native suite runs a second time under tracemalloc for its peak memory).

    python benchmarks/data_suite.py [--rows 1000000] [--native-only]

Targets (issue 3): native at least 10x faster than Deepchecks; native peak memory (traced
allocations during the suite) at most 3x the size of the two frames. Run it in an environment
with the deepchecks extra for the comparison (tox -e bench-deepchecks).
"""

from __future__ import annotations

import argparse
import os
import resource
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from _record import record

CATEGORIES = ["red", "white", "rose", "sparkling", "dessert"]


def make_frames(rows: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    rng = np.random.default_rng(seed)

    def frame(n: int, shift: float) -> pd.DataFrame:
        data: dict[str, Any] = {f"x{i}": rng.normal(10 + i, 2 + i / 4, n) for i in range(12)}
        data["x0"] = data["x0"] + shift
        for i in range(3):
            data[f"n{i}"] = rng.integers(0, 100, n)
        for i in range(5):
            data[f"c{i}"] = rng.choice(CATEGORIES, n, p=[0.4, 0.3, 0.15, 0.1, 0.05])
        score = data["x1"] - 11 + (data["c0"] == "red") * 1.5 + rng.normal(0, 1, n)
        data["label"] = (score > 0.5).astype(int)
        made = pd.DataFrame(data)
        holes = rng.random(n) < 0.01
        made.loc[holes, "x3"] = np.nan
        made.loc[rng.random(n) < 0.0005, "x5"] = -1.0
        return made

    columns: dict[str, Any] = {f"x{i}": {"type": "float", "min": 0, "max": 100} for i in range(12)}
    columns["x3"]["nullable"] = True
    columns |= {f"n{i}": {"type": "int", "min": 0, "max": 99} for i in range(3)}
    columns |= {f"c{i}": {"type": "category", "allowed": CATEGORIES} for i in range(5)}
    columns["label"] = {"type": "category", "allowed": [0, 1]}
    return frame(rows, 0.0), frame(rows, 0.8), columns


def rss_mb() -> float:
    with Path("/proc/self/status").open() as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def native(train: pd.DataFrame, test: pd.DataFrame, columns: dict[str, Any]) -> dict[str, Any]:
    """The suite timed as Deepchecks is (no tracing), then run again under tracemalloc for its
    peak memory: tracing every allocation slows Python-heavy code several-fold, and until
    2026-12-07 the time was taken under it."""
    import sekit.data

    sekit.data.check(train.head(1000), test.head(1000), label="label", columns=columns)  # warm
    load = os.getloadavg()[0]
    start = time.perf_counter()
    report = sekit.data.check(train, test, label="label", columns=columns)
    seconds = time.perf_counter() - start
    tracemalloc.start()
    start = time.perf_counter()
    sekit.data.check(train, test, label="label", columns=columns)
    traced = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    per_check = {r.id: round(r.duration_s, 2) for r in report.results}
    return {
        "seconds": round(seconds, 2),
        "seconds_traced": round(traced, 2),
        "load_average_at_start": round(load, 2),
        "traced_peak_mb": round(peak / 2**20, 1),
        "per_check_s": per_check,
        "kinds_found": sorted({f.kind for f in report.findings() if f.severity.value != "info"}),
    }


def deepchecks(train: pd.DataFrame, test: pd.DataFrame) -> dict[str, Any]:
    os.environ["DISABLE_DEEPCHECKS_ANONYMOUS_TELEMETRY"] = "1"
    from sekit.checks.deepchecks_adapter import import_deepchecks, run_suite

    import_deepchecks()
    from deepchecks.tabular import Dataset
    from deepchecks.tabular.suites import data_integrity, train_test_validation

    categorical = [f"c{i}" for i in range(5)]
    load = os.getloadavg()[0]
    train_ds = Dataset(train, label="label", cat_features=categorical)
    test_ds = Dataset(test, label="label", cat_features=categorical)
    start = time.perf_counter()
    integrity = run_suite(data_integrity(), train_dataset=train_ds)
    middle = time.perf_counter()
    validation = run_suite(train_test_validation(), train_dataset=train_ds, test_dataset=test_ds)
    end = time.perf_counter()
    return {
        "seconds": round(end - start, 2),
        "load_average_at_start": round(load, 2),
        "data_integrity_s": round(middle - start, 2),
        "train_test_validation_s": round(end - middle, 2),
        "not_run": [
            r.get_header() for s in (integrity, validation) for r in s.get_not_ran_checks()
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--native-only", action="store_true")
    args = parser.parse_args()
    train, test = make_frames(args.rows)[:2]
    columns = make_frames(10)[2]
    frames_mb = (train.memory_usage(deep=True).sum() + test.memory_usage(deep=True).sum()) / 2**20
    print(
        f"frames: 2 x {args.rows:,} rows x {train.shape[1]} columns = {frames_mb:.0f} MB "
        f"(pandas {pd.__version__}, numpy {np.__version__})"
    )
    before = rss_mb()
    numbers: dict[str, Any] = {
        "rows": args.rows,
        "columns": train.shape[1],
        "frames_mb": round(frames_mb, 1),
        "pandas": pd.__version__,
        "numpy": np.__version__,
    }
    numbers["native"] = native(train, test, columns)
    numbers["native"]["rss_growth_mb"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before, 1
    )
    memory_ratio = numbers["native"]["traced_peak_mb"] / frames_mb
    numbers["native"]["memory_ratio"] = round(memory_ratio, 2)
    print(
        f"native suite: {numbers['native']['seconds']} s "
        f"({numbers['native']['seconds_traced']} s under tracemalloc), traced peak "
        f"{numbers['native']['traced_peak_mb']} MB = {memory_ratio:.2f}x the frames "
        f"(target <= 3x: {'met' if memory_ratio <= 3 else 'MISSED'}); process RSS grew "
        f"{numbers['native']['rss_growth_mb']} MB = "
        f"{numbers['native']['rss_growth_mb'] / frames_mb:.2f}x the frames"
    )
    print(f"  per check: {numbers['native']['per_check_s']}")
    if not args.native_only:
        numbers["deepchecks"] = deepchecks(train, test)
        speedup = numbers["deepchecks"]["seconds"] / numbers["native"]["seconds"]
        numbers["speedup"] = round(speedup, 1)
        print(
            f"deepchecks: {numbers['deepchecks']['seconds']} s "
            f"(data_integrity {numbers['deepchecks']['data_integrity_s']} s, "
            f"train_test_validation {numbers['deepchecks']['train_test_validation_s']} s)"
        )
        print(f"speed-up: {speedup:.1f}x (target >= 10x: {'met' if speedup >= 10 else 'MISSED'})")
    numbers["load_average_at_end"] = [round(v, 2) for v in os.getloadavg()]
    # one file per pandas major version: the native suite is measured in both worlds
    path = record(f"data_suite_{args.rows}_pandas{pd.__version__.split('.')[0]}", numbers)
    print(f"recorded in {path}")


if __name__ == "__main__":
    main()
