"""Per-group rates with their intervals, and the tests that say whether a group's gap is real:
each group against the rest of the rows (Fisher's exact test; Welch's t test on absolute
errors), Holm over every comparison. Shared by ``model.fairness`` (the test set) and
``monitor.accuracy`` (served requests with feedback)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sekit.checks.findings import finding
from sekit.checks.model.kinds import UNFAIR_OUTCOME
from sekit.config.schema import Model
from sekit.results import Finding

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

RATES = ("accuracy", "selection_rate", "true_positive_rate", "false_positive_rate")
OTHERS = "the others"  # the side of a comparison that pools every other group


def counts(y_true: np.ndarray, y_pred: np.ndarray, correct: np.ndarray) -> dict[str, list[int]]:
    """Each rate as [successes, trials] for one group."""
    return {
        "accuracy": [int(correct.sum()), len(correct)],
        "selection_rate": [int(y_pred.sum()), len(y_pred)],
        "true_positive_rate": [int((y_pred & y_true).sum()), int(y_true.sum())],
        "false_positive_rate": [int((y_pred & ~y_true).sum()), int((~y_true).sum())],
    }


def proportion_rows(
    column: str, by_group: pd.DataFrame, counted: dict[str, dict[str, list[int]]]
) -> list[dict[str, Any]]:
    from sekit import stats

    rows = []
    for name in by_group.index:
        for rate in RATES:
            hits, trials = counted[name][rate]
            low, high = stats.wilson(hits, trials)
            value = by_group.loc[name, rate]
            rows.append(
                {
                    "column": column,
                    "group": str(name),
                    "metric": rate,
                    "value": None if value != value else float(value),
                    "interval": [low, high],
                    "n": trials,
                }
            )
    return rows


def _compared(names: list[Any], groups: int) -> list[Any]:
    """The groups tested against the rest: all of them, or one when there are only two groups
    (A against B is B against A; testing both would only halve the level)."""
    return names[:1] if groups == 2 else names


def proportion_gaps(
    column: str, counted: dict[str, dict[str, list[int]]], min_size: int
) -> list[dict[str, Any]]:
    """Each group against the rest of the rows, per rate, with Fisher's exact test: one group
    served worse than everyone else is the harm to find, and the rest pooled gives the test
    more rows than any single other group."""
    from scipy import stats

    out = []
    for rate in RATES:
        total = [
            sum(c[rate][0] for c in counted.values()),
            sum(c[rate][1] for c in counted.values()),
        ]
        judged = [
            g
            for g, c in counted.items()
            if c[rate][1] >= min_size and total[1] - c[rate][1] >= min_size
        ]
        for group in _compared(judged, len(counted)):
            a, n = counted[group][rate]
            b, m = total[0] - a, total[1] - n
            mine, others = a / n, b / m
            p_value = float(stats.fisher_exact([[a, n - a], [b, m - b]]).pvalue)
            low, high = (group, OTHERS) if mine <= others else (OTHERS, group)
            out.append(
                {
                    "column": column,
                    "metric": rate,
                    "group": group,
                    "low": low,
                    "high": high,
                    "group_rate": mine,
                    "others_rate": others,
                    "low_rate": min(mine, others),
                    "high_rate": max(mine, others),
                    "gap": abs(mine - others),
                    "p_value": p_value,
                    "rows": [n, m],
                }
            )
    return out


def mae_rows(
    column: str, errors: np.ndarray, groups: np.ndarray, names: list[str]
) -> list[dict[str, Any]]:
    from sekit import stats

    rows = []
    for name in names:
        mine = errors[groups == name]
        low, high = stats.mean_interval(mine)
        rows.append(
            {
                "column": column,
                "group": str(name),
                "metric": "mae",
                "value": float(mine.mean()),
                "interval": [low, high],
                "n": len(mine),
            }
        )
    return rows


def mae_gaps(
    column: str, errors: np.ndarray, groups: np.ndarray, min_size: int
) -> list[dict[str, Any]]:
    """Each group's absolute errors against the rest's, with Welch's t test; the gap is the
    larger MAE relative to the smaller."""
    from scipy import stats

    names = sorted(
        g for g in set(groups) if min_size <= (groups == g).sum() <= len(groups) - min_size
    )
    out = []
    for group in _compared(names, len(set(groups))):
        mine, others = errors[groups == group], errors[groups != group]
        test = stats.ttest_ind(mine, others, equal_var=False)
        a, b = float(mine.mean()), float(others.mean())
        # for errors, the higher side is the worse off
        low, high = (group, OTHERS) if a <= b else (OTHERS, group)
        out.append(
            {
                "column": column,
                "metric": "mae",
                "group": group,
                "low": low,
                "high": high,
                "group_rate": a,
                "others_rate": b,
                "low_rate": min(a, b),
                "high_rate": max(a, b),
                "gap": abs(a - b) / max(min(a, b), 1e-12),
                "p_value": float(test.pvalue),
                "rows": [len(mine), len(others)],
            }
        )
    return out


def judge(comparisons: list[dict[str, Any]], section: Model) -> list[Finding]:
    """Holm over every comparison; per attribute and rate, the group with the largest real gap
    (a group far off pulls the rest with it, so the others can differ from their rest too: the
    one furthest off is the finding)."""
    from sekit.stats import holm

    adjusted = holm([c["p_value"] for c in comparisons])
    worst: dict[tuple[str, str], dict[str, Any]] = {}
    for comparison, p_adjusted in zip(comparisons, adjusted, strict=True):
        comparison["p_adjusted"] = p_adjusted
        key = (comparison["column"], comparison["metric"])
        unfair = (
            p_adjusted < section.fairness_p_value and comparison["gap"] >= section.max_fairness_gap
        )
        if unfair and (key not in worst or comparison["gap"] > worst[key]["gap"]):
            worst[key] = comparison
    findings = []
    for comparison in worst.values():
        unit = "relative MAE" if comparison["metric"] == "mae" else "points"
        findings.append(
            finding(
                UNFAIR_OUTCOME,
                "fail",
                f"{comparison['metric']} is {comparison['group_rate']:.3g} for "
                f"{comparison['column']} = {comparison['group']!r} and "
                f"{comparison['others_rate']:.3g} for the other rows: a gap of "
                f"{comparison['gap']:.2f} {unit} (Holm-adjusted p = "
                f"{comparison['p_adjusted']:.2g}, limit {section.max_fairness_gap:g})",
                column=comparison["column"],
                **{k: v for k, v in comparison.items() if k != "column"},
            )
        )
    return findings
