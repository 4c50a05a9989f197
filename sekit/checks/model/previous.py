"""``model.previous``: the candidate against the deployed model (``[model].baseline``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sekit.checks.context import Context
from sekit.checks.findings import finding, worst_summary
from sekit.checks.spec import CheckSpec, Kind, MltsClaim, default, share
from sekit.config.schema import Model
from sekit.results import Outcome
from sekit.subjects.model import previous_from_config, subject_from_config
from sekit.subjects.testset import needs_labelled_test, primary, scores, test_set

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from sekit.subjects.datasets import DataBundle


def needs_previous(config: Any) -> str | None:
    if config.model is None or config.model.baseline is None:
        return "no [model].baseline (the previously deployed model) to compare with"
    return needs_labelled_test(config)


def _entities(bundle: DataBundle, frame: pd.DataFrame) -> np.ndarray | None:
    """The entity of each test row where rows repeat entities (``data.entities``), else None:
    rows of one person are not independent evidence that one model is better."""
    import numpy as np
    import pandas as pd

    from sekit.checks.data.entities import entities

    found = entities(bundle)
    key = found.key("test") if found is not None else None
    if key is None:
        return None
    keys = key.reindex(frame.index).to_numpy(dtype=object)
    codes = [f"row {i}" if pd.isna(k) else k for i, k in enumerate(keys)]
    return None if len(set(codes)) == len(codes) else np.asarray(codes, dtype=object)


def check_previous(ctx: Context) -> Outcome:
    """The candidate is a regression when a paired test on the same test rows says it is worse
    (McNemar's exact test on per-row correctness; a paired bootstrap of absolute errors for
    regression) *and* the loss reaches ``[model].baseline_tolerance``: a different seed or a
    handful of rows is not a regression."""
    import numpy as np

    from sekit import stats

    subject = subject_from_config(ctx)
    previous = previous_from_config(ctx)
    bundle, frame, truth = test_set(ctx)
    section = ctx.config.model
    assert section is not None
    now = primary(subject.task, scores(subject, frame, truth))
    before = primary(previous.task, scores(previous, frame, truth))
    actual = truth.to_numpy()
    clusters = _entities(bundle, frame)
    evidence: dict[str, Any]
    if subject.task == "classification":
        mine = subject.predict(frame) == actual
        theirs = previous.predict(frame) == actual
        p_value, lost, won = stats.mcnemar(mine, theirs)
        evidence = {"rows_lost": lost, "rows_won": won, "test": "mcnemar"}
        if clusters is not None:  # McNemar counts rows as independent: resample entities
            _, _, _, p_value = stats.paired_bootstrap(
                (~mine).astype(float), (~theirs).astype(float), clusters=clusters
            )
            evidence["test"] = "paired bootstrap over entities"
        loss = float(np.mean(theirs) - np.mean(mine))  # accuracy points lost
        shown = f"accuracy {np.mean(mine):.3f} against {np.mean(theirs):.3f}"
        worse = p_value < section.baseline_p_value and loss >= section.baseline_tolerance
    else:
        mine = np.abs(subject.predict(frame).astype("float64") - actual.astype("float64"))
        theirs = np.abs(previous.predict(frame).astype("float64") - actual.astype("float64"))
        mean, low, high, p_value = stats.paired_bootstrap(mine, theirs, clusters=clusters)
        loss = mean / max(float(np.mean(theirs)), 1e-12)  # relative increase of the MAE
        shown = f"MAE {np.mean(mine):.4g} against {np.mean(theirs):.4g}"
        evidence = {
            "mae_difference": mean,
            "interval": [low, high],
            "test": "paired bootstrap" + (" over entities" if clusters is not None else ""),
        }
        worse = p_value < section.baseline_p_value and loss >= section.baseline_tolerance
    findings = []
    if worse:
        findings.append(
            finding(
                BASELINE_REGRESSION,
                "fail",
                f"the candidate is worse than the deployed model on the same {len(actual):,} "
                f"test rows ({shown}; p = {p_value:.2g}, tolerance "
                f"{section.baseline_tolerance:g}): do not replace it",
                candidate=now,
                deployed=before,
                loss=loss,
                p_value=p_value,
                rows=len(actual),
                **evidence,
            )
        )
    return Outcome.from_findings(
        findings=findings,
        summary=worst_summary(
            findings, f"{shown}: not worse than the deployed model (p = {p_value:.2g})"
        ),
        metrics={
            "baseline_score": before,
            "baseline_delta": now - before,
            "baseline_p_value": p_value,
        },
    )


# --- declarations ----------------------------------------------------------------------

BASELINE_REGRESSION = Kind(
    "baseline_regression",
    "the model is worse than the previously deployed one",
    (
        "Replacing the deployed model with a worse one degrades the product; gating on the "
        "previous model prevents that."
    ),
    "Compare the two models' metrics on the same test set.",
    "Keep the deployed model, or fix the candidate; change the tolerance only on purpose.",
    trust=(
        "Fails only when the paired test (McNemar's exact test, a paired bootstrap for "
        "regression) is below [model].baseline_p_value "
        f"({share(default(Model, 'baseline_p_value'))}) and the drop reaches the tolerance: "
        "two models of equal quality block about 1% of the time or less."
    ),
)

PREVIOUS_CHECK = CheckSpec(
    id="model.previous",
    title="no worse than the deployed model",
    func=check_previous,
    emits="`baseline_regression`: worse than `[model].baseline` by a paired test (McNemar, "
    "paired bootstrap) and by at least the tolerance (fail)",
    kinds=(BASELINE_REGRESSION,),
    settings=("[model].baseline", "[model].baseline_tolerance", "[model].baseline_p_value"),
    requires=needs_previous,
    mlts=(
        MltsClaim(
            "infra-4",
            "'test that the model quality is acceptable ... against a previous version' "
            "before serving it",
        ),
    ),
    section=("[model]", Model),
)
