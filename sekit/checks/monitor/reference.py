"""A drop that needs no bound: each later window against the first windows of the period.

The first ``[monitor].reference`` of the period (one day by default) is the reference. Every
later window's accuracy is compared with the reference's by Fisher's exact test (one-sided;
regression: the absolute errors by a one-sided Mann-Whitney U test), Holm over the later
windows; a window drops when its adjusted p-value is below ``[monitor].p_value`` *and* it is at
least ``max_accuracy_drop`` below the reference (regression: its MAE ``max_mae_increase``
above). The reference is the served traffic itself, not the test-set score: the test set was
drawn before deployment, often with another class mix, and a one-sample test against its
score would blame the model for the change of mix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sekit.checks.context import Context
from sekit.checks.findings import finding
from sekit.checks.monitor import served as sv
from sekit.checks.monitor.kinds import ACCURACY_DROP
from sekit.checks.monitor.served import Point
from sekit.results import Finding


@dataclass(frozen=True)
class Drop:
    """Later windows against the reference windows: the ones that credibly got worse."""

    reference_n: int
    reference_value: float
    reference_windows: int
    judged: int  # windows after the reference, with labels
    broken: list[Point]  # in time order; value, n and p_adjusted of each


def _reference_mask(ctx: Context, starts: list[Any]) -> list[bool]:
    """Which windows (by start, in time order) belong to the reference period."""
    import pandas as pd

    if not starts:
        return []
    first = pd.Timestamp(starts[0])
    limit = pd.Timedelta(seconds=sv.settings(ctx).reference)
    return [pd.Timestamp(s) - first < limit for s in starts]


def accuracy_drops(ctx: Context, counted: list[tuple[Any, int, int]]) -> Drop | None:
    """Fisher's exact test of each later window's accuracy against the reference windows'
    (one-sided: lower), Holm over the later windows; a drop needs max_accuracy_drop too."""
    from scipy import stats as scipy_stats

    from sekit import stats

    monitor = sv.settings(ctx)
    mask = _reference_mask(ctx, [c[0] for c in counted])
    reference = [c for c, ref in zip(counted, mask, strict=True) if ref]
    later = [c for c, ref in zip(counted, mask, strict=True) if not ref and c[1] > 0]
    n_ref, k_ref = sum(c[1] for c in reference), sum(c[2] for c in reference)
    if n_ref == 0 or not later:
        return None
    p_values = [
        float(scipy_stats.fisher_exact([[k, n - k], [k_ref, n_ref - k_ref]], alternative="less")[1])
        for _, n, k in later
    ]
    base = k_ref / n_ref
    broken = []
    for (start, n, k), adjusted in zip(later, stats.holm(p_values), strict=True):
        if adjusted < monitor.p_value and base - k / n >= monitor.max_accuracy_drop:
            low, high = stats.wilson(k, n)
            broken.append(Point(sv.iso(start), n, k / n, low, high, adjusted, adjusted, True))
    return Drop(n_ref, base, len(reference), len(later), broken)


def error_drops(ctx: Context, errors: list[tuple[Any, Any]]) -> Drop | None:
    """One-sided Mann-Whitney U of each later window's absolute errors against the reference
    windows' (larger), Holm over the later windows; a drop needs max_mae_increase too."""
    import numpy as np
    from scipy import stats as scipy_stats

    from sekit import stats

    monitor = sv.settings(ctx)
    mask = _reference_mask(ctx, [e[0] for e in errors])
    reference = np.concatenate([e[1] for e, ref in zip(errors, mask, strict=True) if ref] or [[]])
    later = [e for e, ref in zip(errors, mask, strict=True) if not ref and len(e[1]) > 0]
    if len(reference) == 0 or not later:
        return None
    p_values = [
        float(scipy_stats.mannwhitneyu(v, reference, alternative="greater").pvalue)
        if np.ptp(np.concatenate([v, reference])) > 0
        else 1.0
        for _, v in later
    ]
    base = float(reference.mean())
    broken = []
    for (start, values), adjusted in zip(later, stats.holm(p_values), strict=True):
        mae = float(values.mean())
        if adjusted < monitor.p_value and mae >= base * (1 + monitor.max_mae_increase):
            low, high = stats.mean_interval(values)
            broken.append(Point(sv.iso(start), len(values), mae, low, high, adjusted, adjusted))
    return Drop(len(reference), base, int(sum(mask)), len(later), broken)


def drop_finding(drop: Drop, metric: str, what: str, unit: Any, monitor: Any) -> Finding:
    first = drop.broken[0]
    assert first.value is not None
    regression = metric == "monitor.mae"
    test = "one-sided Mann-Whitney U" if regression else "Fisher's exact test"
    change = "rose" if regression else "fell"
    return finding(
        ACCURACY_DROP,
        "fail",
        f"{what} {change} from {unit(drop.reference_value)} in the first "
        f"{sv.span(monitor.reference)} (reference, {drop.reference_n} labels) to "
        f"{unit(first.value)} [95% {unit(first.low)}, {unit(first.high)}] over {first.n} in the "
        f"window starting {first.start}; {len(drop.broken)} of {drop.judged} later windows are "
        f"worse than the reference ({test}, Holm over the windows, p = {first.p_adjusted:.2g})",
        metric=metric,
        first_window=first.start,
        broken_windows=[p.start for p in drop.broken],
        reference=drop.reference_value,
        reference_labels=drop.reference_n,
        against="reference",
    )
