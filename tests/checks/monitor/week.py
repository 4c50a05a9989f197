"""A realistic simulated week of a served model, with a fault that starts at a known hour.

Traffic follows a daily cycle (about 150 requests an hour by day, 50 by night, Poisson); each
request is a row of the breast cancer test set, answered by the clean model, with a lognormal
latency (median 30 ms, p95 about 70 ms), a rare server error (0.05%) and feedback (the true
label) for ``labelled`` (40%) of the requests. From ``start`` (hours after Monday 00:00 UTC)
one fault:

* ``drift``: tumours come in 30% larger (mean radius and worst area);
* ``accuracy``: the world changes under the model: half (``flip``) of the returned labels are
  the other class (concept drift, inputs unchanged; 40% is found too, but in 4 of 10 weeks an
  hour or two late: a quiet morning's 40 labels cannot show it at the level after Holm);
* ``latency``: a quarter of the requests take 250 ms longer (15% is found too, but an hour or
  two late in a quiet morning: 100 requests cannot show it at the level after Holm);
* ``outage``: 20% of the requests end with 503 for ``length`` hours;
* ``fallback``: 20% of the answers come from the fallback (10%: found, in 7 of 10 weeks an
  hour or more late);
* ``unfair``: the service misses 30% of batch 3's positive (class 1) cases.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tests.checks.data.faults import LABEL
from tests.checks.model.models import FEATURES

MONDAY = datetime(2026, 11, 16, tzinfo=UTC)
FAULTS = ("drift", "accuracy", "latency", "outage", "fallback", "unfair")


def week(
    root: Path,
    model: Any,
    *,
    fault: str | None = None,
    start: int = 80,
    length: int = 200,
    seed: int = 0,
    days: int = 7,
    labelled: float = 0.4,
    flip: float = 0.5,
) -> tuple[Path, Path]:
    """Write ``requests.jsonl`` and ``feedback.csv`` into ``root``; return both paths."""
    rng = np.random.default_rng(seed)
    pool = pd.read_csv(root / "test.csv")
    drifted = pool.assign(**{c: pool[c] * 1.3 for c in ("mean radius", "worst area")})
    answers = {False: model.predict(pool[FEATURES]), True: model.predict(drifted[FEATURES])}
    hours = []
    for hour in range(days * 24):
        faulty = fault is not None and start <= hour < start + length
        n = int(rng.poisson(100 + 50 * np.sin((hour % 24 - 8) / 24 * 2 * np.pi)))
        shifted = faulty and fault == "drift"
        index = rng.integers(len(pool), size=n)
        rows = (drifted if shifted else pool).iloc[index].reset_index(drop=True)
        # 171 test rows resampled all week: 'batch' (which the model ignores) is drawn anew,
        # so that its groups do not inherit the few rows' chance differences in base rate
        rows["batch"] = rng.integers(1, 5, n)
        frame = rows[[*FEATURES, "size"]].copy()
        moments = np.sort(rng.uniform(0, 3600, n))
        frame.insert(0, "timestamp", MONDAY + timedelta(hours=hour) + pd.to_timedelta(moments, "s"))
        latency = rng.lognormal(np.log(30), 0.5, n)
        status = np.where(rng.random(n) < 0.0005, 500, 200)
        fallback = np.zeros(n, dtype=bool)
        if faulty and fault == "latency":
            latency += np.where(rng.random(n) < 0.25, 250, 0)
        if faulty and fault == "outage":
            status = np.where(rng.random(n) < 0.2, 503, status)
        if faulty and fault == "fallback":
            fallback = rng.random(n) < 0.2
        frame["status"] = status
        frame["latency_ms"] = latency.round(2)
        answered = status < 500
        answer = answers[shifted][index]
        if faulty and fault == "unfair":
            missed = (rows["batch"].to_numpy() == 3) & (answer == 1) & (rng.random(n) < 0.3)
            answer = np.where(missed, 0, answer)
        frame[f"answer_{LABEL}"] = np.where(answered, answer, np.nan)
        frame["answer_fallback"] = np.where(answered, fallback, np.nan)
        truth = rows[LABEL].to_numpy()
        if faulty and fault == "accuracy":
            truth = np.where(rng.random(n) < flip, 1 - truth, truth)
        frame["_truth"] = truth
        frame["_labelled"] = answered & (rng.random(n) < labelled)
        hours.append(frame)
    served = pd.concat(hours, ignore_index=True)
    served["request_id"] = [f"r{i:06d}" for i in range(1, len(served) + 1)]
    served["timestamp"] = served["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%S.%f").str[:-3] + "Z"
    requests = root / "requests.jsonl"
    served.drop(columns=["_truth", "_labelled"]).to_json(requests, orient="records", lines=True)
    feedback = root / "feedback.csv"
    labelled = served[served["_labelled"]]
    labelled[["request_id", "_truth"]].rename(columns={"_truth": "label"}).to_csv(
        feedback, index=False
    )
    return requests, feedback


def hour_start(hour: int) -> str:
    return (MONDAY + timedelta(hours=hour)).isoformat().replace("+00:00", "Z")


def regression_week(root: Path, *, start: int | None, seed: int = 0) -> tuple[Path, Path]:
    """A week of a regression service (SPEC.md's log line, ``prediction``), every answer
    labelled: errors are normal with SD 1, and twice as wide from hour ``start`` on."""
    rng = np.random.default_rng(seed)
    rows = []
    for hour in range(7 * 24):
        n = int(rng.poisson(40))
        wide = start is not None and hour >= start
        truth = rng.normal(50, 10, n)
        moments = np.sort(rng.uniform(0, 3600, n))
        for moment, value in zip(moments, truth, strict=True):
            when = MONDAY + timedelta(hours=hour, seconds=float(moment))
            rows.append(
                {
                    "timestamp": when.isoformat().replace("+00:00", "Z"),
                    "status": 200,
                    "latency_ms": 20.0,
                    "prediction": float(value + rng.normal(0, 2 if wide else 1)),
                    "_truth": float(value),
                }
            )
    served = pd.DataFrame(rows)
    served["request_id"] = [f"q{i:06d}" for i in range(len(served))]
    requests = root / "requests.jsonl"
    served.drop(columns=["_truth"]).to_json(requests, orient="records", lines=True)
    feedback = root / "feedback.csv"
    served[["request_id", "_truth"]].rename(columns={"_truth": "label"}).to_csv(
        feedback, index=False
    )
    return requests, feedback
