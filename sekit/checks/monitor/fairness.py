"""``model.fairness`` on the served requests that received feedback: the per-group rates and
tests of :mod:`sekit.checks.model.groups`, for ``monitor.accuracy`` (finding ``unfair_outcome``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sekit.checks.context import Context
from sekit.results import Finding
from sekit.subjects.feedback import as_labels

if TYPE_CHECKING:
    import pandas as pd


def groups_on_feedback(
    ctx: Context, joined: pd.DataFrame, field: str
) -> tuple[list[Finding], list[dict[str, Any]]]:
    """model.fairness's per-group rates and tests on the served requests with feedback, over
    the whole period (a window has too few labels per group): accuracy, selection rate, true
    and false positive rates per group of each [model].sensitive column in the log."""
    import numpy as np
    import pandas as pd

    from sekit.checks.model.groups import (
        RATES,
        counts,
        judge,
        proportion_gaps,
        proportion_rows,
    )

    section = ctx.config.model
    if section is None or not section.sensitive or joined.empty:
        return [], []
    columns = [c for c in section.sensitive if c in joined.columns]
    truth, predicted = as_labels(joined["_truth"]), as_labels(joined[field])
    positive = section.positive_class or sorted(set(truth.dropna()))[-1]
    y_true = (truth == str(positive)).to_numpy()
    y_pred = (predicted == str(positive)).to_numpy()
    correct = (truth == predicted).to_numpy()
    rows: list[dict[str, Any]] = []
    comparisons: list[dict[str, Any]] = []
    for column in columns:
        groups = joined[column].astype(str).to_numpy()
        counted = {
            g: counts(y_true[groups == g], y_pred[groups == g], correct[groups == g])
            for g in sorted(set(groups))
        }
        by_group = pd.DataFrame(
            {
                rate: {
                    g: (h / n if n else np.nan)
                    for g, (h, n) in ((g, c[rate]) for g, c in counted.items())
                }
                for rate in RATES
            }
        )
        rows += proportion_rows(column, by_group, counted)
        comparisons += proportion_gaps(column, counted, section.slice_min_size)
    findings = [
        f.model_copy(update={"message": f"on the served requests with feedback: {f.message}"})
        for f in judge(comparisons, section)
    ]
    return findings, rows
