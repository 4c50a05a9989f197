"""``model.slices``: the model's quality on each slice of the test set (each category and each
numeric quartile), against its quality overall."""

from __future__ import annotations

from sekit.checks.context import Context
from sekit.checks.findings import finding, worst_summary
from sekit.checks.model.figures import Slices, slice_figures
from sekit.checks.model.kinds import WEAK_SLICE
from sekit.checks.spec import CheckSpec, MltsClaim, Rule
from sekit.config.schema import Model
from sekit.results import Outcome
from sekit.subjects.datasets import slices
from sekit.subjects.model import subject_from_config
from sekit.subjects.testset import needs_labelled_test, test_set


def check_slices(ctx: Context) -> Outcome:
    import numpy as np

    subject = subject_from_config(ctx)
    _, frame, truth = test_set(ctx)
    section = ctx.config.model
    assert section is not None
    predicted = subject.predict(frame)
    classification = subject.task == "classification"
    if classification:
        correct = predicted == truth.to_numpy()
        overall = float(np.mean(correct))
    else:
        errors = np.abs(predicted.astype("float64") - truth.to_numpy(dtype="float64"))
        overall = float(np.mean(errors))
    from sekit import stats

    candidates = slices(frame, subject.features, section.slice_min_size)
    # Every slice is one comparison: the intervals are widened (Bonferroni) so that, when no
    # slice is really worse, none is reported more than 5% of the time.
    confidence = 1 - 0.05 / max(len(candidates), 1)
    judged = []
    for column, description, mask in candidates:
        rows = mask.to_numpy()
        if classification:
            value = float(np.mean(correct[rows]))
            low, high = stats.wilson(
                int(correct[rows].sum()), int(rows.sum()), confidence=confidence
            )
        else:
            value = float(np.mean(errors[rows]))
            low, high = stats.mean_interval(errors[rows], confidence=confidence)
        judged.append((column, description, value, int(rows.sum()), low, high))
    if not judged:
        return Outcome.skipped(
            reason=f"no slice has {section.slice_min_size} test rows",
        )
    metric = "accuracy" if classification else "MAE"
    if classification:
        judged.sort(key=lambda item: item[2])
        weak = [j for j in judged if j[2] < overall - section.slice_max_drop and j[5] < overall]
    else:
        judged.sort(key=lambda item: -item[2])
        weak = [
            j for j in judged if j[2] > overall * (1 + section.slice_max_drop) and j[4] > overall
        ]
    findings = [
        finding(
            WEAK_SLICE,
            "warn",
            f"{description}: {metric} {value:.3f} on {size} rows against {overall:.3f} overall "
            f"(interval {low:.3f} to {high:.3f}, {confidence:.1%})",
            column=column,
            slice=description,
            value=value,
            overall=overall,
            rows=size,
            interval=[low, high],
            confidence=confidence,
        )
        for column, description, value, size, low, high in weak[:10]
    ]
    worst = judged[0]
    kept = Slices.model_validate(
        {
            "overall": overall,
            "slices": [
                {"slice": d, "value": v, "rows": n, "interval": [lo, hi]}
                for _, d, v, n, lo, hi in judged[:40]
            ],
        }
    )
    findings.append(kept.finding(WEAK_SLICE, f"{metric} per slice, worst first"))
    name = "worst_slice_accuracy" if classification else "worst_slice_mae"
    return Outcome.from_findings(
        findings=findings,
        summary=worst_summary(
            findings, f"worst slice {worst[1]}: {metric} {worst[2]:.3f} (overall {overall:.3f})"
        ),
        metrics={name: worst[2], "weak_slices": len(weak)},
    )


# --- declarations ----------------------------------------------------------------------


SLICES_CHECK = CheckSpec(
    id="model.slices",
    title="no weak slices",
    func=check_slices,
    emits="`weak_slice` (warn) per category and numeric quartile, when the slice's "
    "(Bonferroni-widened) interval says it is really worse",
    kinds=(WEAK_SLICE,),
    settings=("[model].slice_min_size", "[model].slice_max_drop"),
    requires=needs_labelled_test,
    mlts=(
        MltsClaim(
            "model-6",
            "'slice a data set along certain dimensions of interest ... and measure quality "
            "on each'",
        ),
    ),
    deepchecks={"WeakSegmentsPerformance": Rule(WEAK_SLICE, "warn")},
    section=("[model]", Model),
    figures=slice_figures,
)
