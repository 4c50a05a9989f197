"""Simulated A/B runs, written as a service writes them: a prediction log (one JSON line per
request) and a feedback file (request id, true label).

Users differ: each has their own chance of a right answer around the arm's (a Beta draw) and
their own latency level, and makes a Poisson number of requests; so requests of one user are
correlated, as in a real log, and an analysis that counted requests as independent would be
overconfident. Users are assigned by a hash of their id (sticky) unless ``unsticky`` says
otherwise; ``lost`` drops that share of one arm's users from the log (a sample-ratio mismatch,
as when the treatment crashes before it logs).
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np


@dataclass
class Run:
    users: int = 2000
    weights: dict[str, float] = field(default_factory=lambda: {"control": 0.5, "treatment": 0.5})
    accuracy: dict[str, float] = field(default_factory=lambda: {"control": 0.8, "treatment": 0.8})
    latency_ms: dict[str, float] = field(default_factory=lambda: {"control": 40, "treatment": 40})
    # mean cost of one request per arm (an LLM's tokens priced), drawn from its own stream so
    # that the other fields of a seed stay what they were before it existed
    cost: dict[str, float] = field(default_factory=lambda: {"control": 0.002, "treatment": 0.002})
    requests_per_user: float = 3.0  # mean; every user makes at least one
    feedback_share: float = 0.5  # share of requests that get a label back
    spread: float = 20.0  # Beta concentration of users' accuracy around the arm's (lower: wider)
    unsticky: float = 0.0  # share of users whose arm is drawn anew on each request
    lost: float = 0.0  # share of the last arm's users missing from the log
    seed: int = 0


def arm_of(user: str, weights: dict[str, float], salt: str = "exp") -> str:
    """Sticky assignment, as the scaffold's app does it: a hash of the user id."""
    bucket = int(hashlib.sha256(f"{salt}:{user}".encode()).hexdigest(), 16) % 10_000 / 10_000
    total = 0.0
    for arm, share in weights.items():
        total += share
        if bucket < total:
            return arm
    return list(weights)[-1]


def write(run: Run, folder: Path) -> tuple[Path, Path]:
    """The run's log and feedback in ``folder``; returns their paths."""
    rng = np.random.default_rng(run.seed)
    priced = np.random.default_rng([run.seed, 1])
    folder.mkdir(parents=True, exist_ok=True)
    log_path, feedback_path = folder / "requests.jsonl", folder / "feedback.csv"
    arms = list(run.weights)
    start = datetime(2026, 11, 2, tzinfo=UTC)
    n = 0
    with log_path.open("w") as log, feedback_path.open("w", newline="") as fb:
        labels = csv.writer(fb)
        labels.writerow(["request_id", "label"])
        for u in range(run.users):
            user = f"u{run.seed}-{u}"
            sticky = arm_of(user, run.weights, salt=str(run.seed))
            if sticky == arms[-1] and rng.random() < run.lost:
                continue
            level = {
                a: rng.beta(p * run.spread, (1 - p) * run.spread) for a, p in run.accuracy.items()
            }
            speed = rng.lognormal(0, 0.3)
            mixed = rng.random() < run.unsticky
            for _ in range(1 + rng.poisson(run.requests_per_user - 1)):
                arm = arms[rng.choice(len(arms))] if mixed else sticky
                n += 1
                request_id = f"r{run.seed}-{n}"
                right = rng.random() < level[arm]
                truth = "yes" if rng.random() < 0.5 else "no"
                served = truth if right else ("no" if truth == "yes" else "yes")
                log.write(
                    json.dumps(
                        {
                            "timestamp": (start + timedelta(seconds=n)).isoformat(),
                            "request_id": request_id,
                            "user_id": user,
                            "arm": arm,
                            "model_version": f"{arm}-1",
                            "latency_ms": round(
                                float(run.latency_ms[arm] * speed * rng.lognormal(0, 0.25)), 2
                            ),
                            "status": 200,
                            "prediction": served,
                            "cost": round(
                                float(run.cost.get(arm, 0.002) * priced.lognormal(0, 0.5)), 6
                            ),
                        }
                    )
                    + "\n"
                )
                if rng.random() < run.feedback_share:
                    labels.writerow([request_id, truth])
    return log_path, feedback_path


def config(folder: Path, run: Run, **experiment: object) -> Path:
    """A sekit.toml for the run, with ``[experiment]`` keys set as given."""
    keys = {"log": "requests.jsonl", "feedback": "feedback.csv", **experiment}
    keys.setdefault("weights", run.weights)
    lines = ['[project]\nname = "experiment"\n\n[experiment]']
    for key, value in keys.items():
        lines.append(f"{key} = {_toml(value)}")
    path = folder / "sekit.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def _toml(value: object) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    if isinstance(value, str):
        return json.dumps(value)
    return repr(value)
