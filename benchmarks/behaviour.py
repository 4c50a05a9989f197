"""Throughput of the behaviour suite against a 100-tree random forest (breast cancer data).

Side by side in one run:
* sekit's behaviour check (contract properties plus an invariance property), batched examples;
* the naive way: one Hypothesis example = one row, checked with the same contract assertions.

    python benchmarks/behaviour.py [--examples 50]

Targets (issue 4): at least 5,000 generated rows checked per second, and at least 20x the
throughput of one row per example. Issue 35: the batched check at least 25% of the model's own
rate, 100,000 rows predicted in one batch (``predict`` and ``predict_proba``, one thread per
native pool as sekit calls it; the best of three).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from _record import record

CONTRACT = ("no crash on schema-valid input", "valid outputs", "same input, same output")


def project(root: Path, examples: int | None, batch_rows: int | None = None) -> Any:
    from sklearn.datasets import load_breast_cancer
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.model_selection import train_test_split

    from sekit.config.loader import load_config

    frame = load_breast_cancer(as_frame=True).frame
    train, test = train_test_split(frame, test_size=0.3, random_state=0)
    train.to_csv(root / "train.csv", index=False)
    test.to_csv(root / "test.csv", index=False)
    features = [c for c in frame.columns if c != "target"]
    model = RandomForestClassifier(n_estimators=100, random_state=0)
    joblib.dump(model.fit(train[features], train["target"]), root / "model.joblib")
    (root / "sekit.toml").write_text(
        '[project]\nname = "bench"\n[data]\ntrain = "train.csv"\ntest = "test.csv"\n'
        'label = "target"\n[model]\npath = "model.joblib"\ntask = "classification"\n'
        + (f"examples = {examples}\n" if examples is not None else "")
        + (f"batch_rows = {batch_rows}\n" if batch_rows is not None else "")
        + '[[behaviour]]\nkind = "invariance"\nfeature = "mean radius"\n'
    )
    return load_config(root)


def batched(config: Any) -> dict[str, Any]:
    from sekit.checks.context import Context, RunOptions
    from sekit.checks.model.behaviour.check import check_behaviour

    result = check_behaviour(Context(config, RunOptions(ci=True)))
    properties = next(f for f in result.findings if f.severity.value == "info").evidence[
        "properties"
    ]
    # the contract's three properties share one run: each reports all its rows and a third of
    # its time, so its rows count once here
    shared = [p for p in properties if p["property"] in CONTRACT]
    alone = [p for p in properties if p["property"] not in CONTRACT]
    cases = max((p["cases"] for p in shared), default=0) + sum(p["cases"] for p in alone)
    seconds = sum(p["seconds"] for p in properties)
    return {
        "rows": cases,
        "seconds": round(seconds, 2),
        "rows_per_second": round(cases / seconds),
        "status": result.status.value,
        "per_property": {p["property"]: round(p["cases"] / p["seconds"]) for p in properties},
    }


def model_rate(config: Any) -> float:
    """Rows a second the model predicts (classes and probabilities) in one batch of 100,000."""
    import pandas as pd

    from sekit.threads import one_thread

    model = joblib.load(config.model.path)
    test = pd.read_csv(config.data.test).drop(columns=["target"])
    rows = test.sample(100_000, replace=True, random_state=0).reset_index(drop=True)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        with one_thread():
            model.predict(rows)
            model.predict_proba(rows)
        best = min(best, time.perf_counter() - start)
    return len(rows) / best


def one_row_per_example(config: Any, examples: int) -> dict[str, Any]:
    from hypothesis import HealthCheck, given, settings

    from sekit.checks.context import Context, RunOptions
    from sekit.strategies import frames, profiles
    from sekit.subjects.datasets import bundle_from_config
    from sekit.subjects.model import subject_from_config

    ctx = Context(config, RunOptions(ci=True))
    subject = subject_from_config(ctx)
    bundle = bundle_from_config(ctx)
    strategy = frames(profiles({}, bundle.train.frame, subject.features), min_rows=1, max_rows=1)
    rows = [0]

    @settings(
        max_examples=examples * 4,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def contract(frame: Any) -> None:
        predicted = subject.predict(frame)
        proba = subject.predict_proba(frame)
        assert len(predicted) == len(frame)
        assert np.allclose(proba.sum(axis=1), 1)
        assert (subject.predict(frame) == predicted).all()
        rows[0] += len(frame)

    start = time.perf_counter()
    contract()
    seconds = time.perf_counter() - start
    return {
        "rows": rows[0],
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows[0] / seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=None, help="default: [model].examples")
    parser.add_argument("--batch-rows", type=int, default=None, help="default: [model]'s")
    args = parser.parse_args()
    os.environ["CI"] = "true"
    with tempfile.TemporaryDirectory() as folder:
        config = project(Path(folder), args.examples, args.batch_rows)
        fast = batched(config)
        slow = one_row_per_example(config, config.model.examples)
        own = model_rate(config)
    ratio = fast["rows_per_second"] / slow["rows_per_second"]
    share = fast["rows_per_second"] / own
    print(
        f"batched:            {fast['rows']:,} rows in {fast['seconds']} s = "
        f"{fast['rows_per_second']:,} rows/s ({fast['status']}) "
        f"(target >= 5,000: {'met' if fast['rows_per_second'] >= 5000 else 'MISSED'})"
    )
    print(f"  per property: {fast['per_property']}")
    print(
        f"one row / example:  {slow['rows']:,} rows in {slow['seconds']} s = "
        f"{slow['rows_per_second']:,} rows/s"
    )
    print(f"ratio: {ratio:.0f}x (target >= 20x: {'met' if ratio >= 20 else 'MISSED'})")
    print(
        f"the model alone: {own:,.0f} rows/s in one batch; the check runs at {share:.1%} of it "
        f"(target >= 25%: {'met' if share >= 0.25 else 'MISSED'})"
    )
    path = record(
        "behaviour",
        {
            "examples": config.model.examples,
            "batch_rows": config.model.batch_rows,
            "batched": fast,
            "one_row_per_example": slow,
            "ratio": round(ratio, 1),
            "model_rows_per_second": round(own),
            "share_of_model_rate": round(share, 3),
            "load_average": [round(v, 2) for v in os.getloadavg()],
        },
    )
    print(f"recorded in {path}")


if __name__ == "__main__":
    main()
