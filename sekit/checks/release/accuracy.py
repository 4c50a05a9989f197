"""``release.accuracy``: is the new model worse than the deployed one, overall or on a slice?

Both models predict the same labelled rows (``[release].labelled``, e.g. the feedback store
``feedback/labelled.csv``, else ``[data].test``). Classification: McNemar's exact test on the
rows only one of them gets right; regression: a paired bootstrap of the absolute errors. The
same comparison runs on every slice of the ``[release].slices`` columns (default: the
categorical features; each category, each numeric quartile, at least
``[model].slice_min_size`` rows), Holm-corrected over the slices: a new model that is better
on average but worse for one group of users is a regression.

``release_regression`` (fail) when the test is below ``[release].p_value`` *and* the loss
reaches ``max_accuracy_drop`` overall or ``max_slice_drop`` on a slice.

``release.accuracy_delta`` is the new model's accuracy minus the deployed model's
(classification) or the deployed model's MAE minus the new one's (regression, in label units):
positive means better, for both tasks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sekit.checks.context import Context
from sekit.checks.findings import finding, worst_summary
from sekit.checks.release.settings import Release
from sekit.checks.spec import CheckSpec, Kind, Metric, MltsClaim
from sekit.errors import InputError
from sekit.results import Finding, Outcome
from sekit.subjects.model import previous_from_config, subject_from_config
from sekit.subjects.testset import per_row_losses, test_set

SHOWN_SLICES = 5

if TYPE_CHECKING:
    from pathlib import Path

    import numpy as np
    import pandas as pd


def needs_rows(config: Any) -> str | None:
    if config.model is None or config.model.baseline is None:
        return "no [model].baseline (the deployed model) to compare with"
    release = config.table(Release) or Release()
    if release.labelled is None and (
        config.data is None or config.data.test is None or config.data.label is None
    ):
        return "no labelled rows: set [release].labelled, or [data].test and [data].label"
    return None


def labelled_rows(ctx: Context) -> tuple[pd.DataFrame, pd.Series, str]:
    """The rows both models are compared on, their labels, and where they came from."""
    import pandas as pd

    config = ctx.config
    release = config.table(Release) or Release()
    if release.labelled is None:
        bundle, frame, truth = test_set(ctx)
        assert bundle.test is not None
        return frame, truth, str(bundle.test.source)
    path = release.labelled
    label = config.data.label if config.data is not None else None
    try:
        frame = pd.read_csv(path)
    except FileNotFoundError:
        raise InputError(path, "file not found", key="release.labelled") from None
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise InputError(path, f"not a readable CSV ({exc})", key="release.labelled") from None
    if label is None or label not in frame.columns:
        raise InputError(
            path,
            f"has no label column {label!r} ([data].label)",
            key="release.labelled",
        )
    frame = frame[frame[label].notna()]
    if frame.empty:
        raise InputError(path, "has no labelled row", key="release.labelled")
    return frame, frame[label], str(path)


def _compare(new: np.ndarray, old: np.ndarray, classification: bool) -> dict[str, Any]:
    """Paired comparison of per-row losses: the loss (positive = worse), the p-value that the
    new model is worse, and the numbers behind it."""
    import numpy as np

    from sekit import stats

    if classification:
        p_value, lost, won = stats.mcnemar(new == 0, old == 0)
        return {
            "loss": float(np.mean(new) - np.mean(old)),  # accuracy points lost
            "p_value": p_value,
            "rows_lost": lost,
            "rows_won": won,
            "test": "mcnemar",
        }
    mean, low, high, p_value = stats.paired_bootstrap(new, old)
    return {
        "loss": mean / max(float(np.mean(old)), 1e-12),  # relative increase of the MAE
        "p_value": p_value,
        "mae_difference": mean,
        "interval": [low, high],
        "test": "paired bootstrap",
    }


def _slice_columns(
    release: Release, features: list[str], frame: pd.DataFrame, source: Path
) -> list[str]:
    """``[release].slices``, else the categorical features: a few slices that mean something
    to users keep the Holm correction from drowning a real loss (slicing every numeric
    feature into quartiles makes 100+ tests)."""
    from sekit.subjects.types import looks_categorical

    if release.slices is not None:
        missing = [c for c in release.slices if c not in frame.columns]
        if missing:
            raise InputError(
                source,
                f"[release].slices names {missing}, which the labelled rows do not have",
                key="release.slices",
            )
        return list(release.slices)
    return [c for c in features if c in frame.columns and looks_categorical(frame[c])]


def check_accuracy(ctx: Context) -> Outcome:
    import numpy as np

    from sekit import stats
    from sekit.subjects.datasets import slices

    config = ctx.config
    release = config.table(Release) or Release()
    section = config.model
    assert section is not None
    new_model = subject_from_config(ctx)
    old_model = previous_from_config(ctx)
    frame, truth, source = labelled_rows(ctx)
    new, classification = per_row_losses(new_model, frame, truth)
    old, _ = per_row_losses(old_model, frame, truth)
    overall = _compare(new, old, classification)
    if classification:
        delta = float(np.mean(old) - np.mean(new))  # accuracy points gained
        shown = f"accuracy {1 - np.mean(new):.3f} against {1 - np.mean(old):.3f} deployed"
    else:
        delta = float(np.mean(old) - np.mean(new))  # MAE reduced
        shown = f"MAE {np.mean(new):.4g} against {np.mean(old):.4g} deployed"
    findings: list[Finding] = []
    if overall["p_value"] < release.p_value and overall["loss"] >= release.max_accuracy_drop:
        findings.append(
            finding(
                RELEASE_REGRESSION,
                "fail",
                f"the new model is worse on the same {len(frame):,} labelled rows of {source} "
                f"({shown}; p = {overall['p_value']:.2g}): roll back",
                rows=len(frame),
                **overall,
            )
        )
    columns = _slice_columns(release, new_model.features, frame, config.source)
    sliced = slices(frame[columns].reset_index(drop=True), columns, section.slice_min_size)
    compared = []
    for column, description, mask in sliced:
        rows = mask.to_numpy()
        compared.append(
            (column, description, int(rows.sum()), _compare(new[rows], old[rows], classification))
        )
    adjusted = stats.holm([c[3]["p_value"] for c in compared])
    worst_slice: float | None = None
    worse_slices: list[Finding] = []
    for (column, description, size, result), p_adjusted in zip(compared, adjusted, strict=True):
        worst_slice = result["loss"] if worst_slice is None else max(worst_slice, result["loss"])
        if p_adjusted < release.p_value and result["loss"] >= release.max_slice_drop:
            loss = (
                f"{result['loss']:.1%} accuracy points"
                if classification
                else f"{result['loss']:.0%} higher MAE"
            )
            worse_slices.append(
                finding(
                    RELEASE_REGRESSION,
                    "fail",
                    f"the new model is worse on the slice {description} ({size} rows): {loss} "
                    f"lost (Holm-adjusted p = {p_adjusted:.2g} over {len(compared)} slices), "
                    "even if it is better on average",
                    column=column,
                    slice=description,
                    rows=size,
                    p_adjusted=p_adjusted,
                    **result,
                )
            )
    worse_slices.sort(key=lambda f: -f.evidence["loss"])
    findings += worse_slices[:SHOWN_SLICES]
    if len(worse_slices) > SHOWN_SLICES:
        findings.append(
            finding(
                RELEASE_REGRESSION,
                "info",
                f"{len(worse_slices) - SHOWN_SLICES} more slices are worse; the "
                f"{SHOWN_SLICES} with the largest loss are shown",
                slices=[f.evidence["slice"] for f in worse_slices[SHOWN_SLICES:]],
            )
        )
    return Outcome.from_findings(
        findings=findings,
        summary=worst_summary(
            findings,
            f"{shown} on {len(frame):,} rows (p = {overall['p_value']:.2g}); no slice of "
            f"{len(compared)} is worse",
        ),
        metrics={
            "accuracy_delta": delta,
            "accuracy_p_value": overall["p_value"],
            "worst_slice_loss": worst_slice,
        },
    )


# --- declarations ----------------------------------------------------------------------

RELEASE_REGRESSION = Kind(
    "release_regression",
    "the new model is worse than the deployed one, overall or on a slice",
    (
        "Promoting a model that is worse, or worse for one group of users while better on "
        "average, degrades the product for them; averages hide it."
    ),
    (
        "Read the finding's slice and rows_lost / rows_won; compare the two models' errors on "
        "that slice (sekit check model with each as [model].path)."
    ),
    (
        "Keep the deployed model (roll back); fix the new one (more data for that slice, a "
        "feature it lost) and release again."
    ),
    trust=(
        "Fails only when the paired test (McNemar's exact test; a paired bootstrap for "
        "regression) is below [release].p_value, Holm-corrected over the slices, and the loss "
        "reaches [release].max_accuracy_drop (overall) or max_slice_drop (a slice)."
    ),
)
ACCURACY_DELTA = Metric(
    "release.accuracy_delta",
    "the new model's accuracy minus the deployed model's (regression: MAE reduction)",
    "Both models on the same labelled rows ([release].labelled or [data].test).",
    "Negative means the new model is worse; the finding needs the paired test to agree.",
    "Keep the deployed model until the new one is at least as good.",
    gate="min = 0",
)

ACCURACY_CHECK = CheckSpec(
    id="release.accuracy",
    title="the new model against the deployed one on the same labelled rows (paired tests)",
    func=check_accuracy,
    emits="`release_regression`: worse overall or on a slice by a paired test (McNemar, "
    "paired bootstrap; Holm over slices) and by at least the tolerance (fail)",
    kinds=(RELEASE_REGRESSION,),
    metrics=(ACCURACY_DELTA,),
    settings=("[release].labelled", "[release].max_accuracy_drop", "[release].p_value"),
    requires=needs_rows,
    mlts=(
        MltsClaim(
            "infra-7",
            "'serving models can be rolled back': the release says roll back, with the "
            "rows and slices that justify it",
        ),
    ),
)
