"""How the two arms of a release run compare: which one degraded more often, and on how many
distinct inputs they answer the same (``release.online``'s statistics, apart from its
verdict)."""

from __future__ import annotations

import json
from typing import Any

from sekit.checks.release.settings import Release
from sekit.config.schema import Config
from sekit.subjects.answers import Arm


def more_degraded(candidate: Arm, deployed: Arm) -> float:
    """One-sided exact test that the new model fails or falls back more often: paired on the
    calls both answered (shadow), else Fisher's on the two counts."""
    from scipy import stats

    both = candidate.degraded.keys() & deployed.degraded.keys()
    if both:
        worse = sum(candidate.degraded[c] and not deployed.degraded[c] for c in both)
        better = sum(deployed.degraded[c] and not candidate.degraded[c] for c in both)
        if worse + better == 0:
            return 1.0
        return float(stats.binomtest(worse, worse + better, 0.5, alternative="greater").pvalue)

    bad_new = candidate.failures + candidate.fallbacks
    bad_old = deployed.failures + deployed.fallbacks
    table = [[bad_new, candidate.requests - bad_new], [bad_old, deployed.requests - bad_old]]
    return float(stats.fisher_exact(table, alternative="greater").pvalue)


def _same(a: Any, b: Any, tolerance: float, regression: bool) -> bool:
    if regression and isinstance(a, int | float) and isinstance(b, int | float):
        scale = max(abs(float(a)), abs(float(b)), 1e-12)
        return abs(float(a) - float(b)) <= tolerance * scale
    return bool(a == b)


def agreement_of(
    arms: dict[str, Arm], config: Config
) -> tuple[float | None, int, tuple[float, float]]:
    """Share of distinct inputs on which both models gave the same (most common) answer."""
    from collections import Counter

    from sekit import stats

    release = config.table(Release) or Release()
    regression = config.model is not None and config.model.task == "regression"
    deployed, candidate = arms["deployed"].answers, arms["candidate"].answers
    common = sorted(set(deployed) & set(candidate))
    if not common:
        return None, 0, (0.0, 1.0)

    def usual(values: list[Any]) -> Any:
        return Counter(json.dumps(v) for v in values).most_common(1)[0][0]

    same = sum(
        _same(
            json.loads(usual(candidate[i])),
            json.loads(usual(deployed[i])),
            release.tolerance,
            regression,
        )
        for i in common
    )
    low, high = stats.wilson(same, len(common))
    return same / len(common), len(common), (low, high)
