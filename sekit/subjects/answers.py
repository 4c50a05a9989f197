"""What the two services answered to a release run's traffic, per arm (``deployed``,
``candidate``).

The release's locustfile records one JSON line per answer in ``.sekit/release-samples.jsonl``:
``[arm, body index, status, latency ms, prediction, fallback mark, call]``. The release checks
judge the arms from it, and the exercises read the deployed model's latency from it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ARMS = ("deployed", "candidate")


@dataclass
class Arm:
    """What one model's service answered."""

    latencies: list[float] = field(default_factory=list)  # successful answers, ms
    requests: int = 0
    failures: int = 0
    fallbacks: int = 0
    answers: dict[int, list[Any]] = field(default_factory=dict)  # body index -> predictions
    degraded: dict[int, bool] = field(default_factory=dict)  # call -> failed or fell back

    @property
    def error_rate(self) -> float | None:
        """Failed answers per request (``None`` without requests)."""
        return self.failures / self.requests if self.requests else None

    @property
    def degraded_rate(self) -> float | None:
        """Failed answers and answers marked as fallbacks."""
        return (self.failures + self.fallbacks) / self.requests if self.requests else None

    def p95(self) -> float | None:
        """The 95th percentile of the successful answers' latency, in ms."""
        import numpy as np

        return float(np.percentile(self.latencies, 95)) if self.latencies else None


def read_samples(path: Path) -> dict[str, Arm]:
    """Each arm's answers from a samples file (lines cut short when Locust stopped are
    skipped; no file: two empty arms)."""
    arms = {name: Arm() for name in ARMS}
    if not path.exists():
        return arms
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            name, index, status, ms, prediction, marked, *rest = json.loads(line)
        except (ValueError, TypeError):
            continue  # a line cut short when Locust stopped
        arm = arms[name]
        arm.requests += 1
        failed = not 0 < status < 400
        if rest and rest[0] is not None:
            arm.degraded[int(rest[0])] = failed or bool(marked)
        if failed:
            arm.failures += 1
            continue
        arm.latencies.append(float(ms))
        arm.fallbacks += bool(marked)
        if index is not None:
            arm.answers.setdefault(int(index), []).append(prediction)
    return arms
