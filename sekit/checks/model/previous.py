"""``model.previous``: the candidate against the deployed model (``[model].baseline``)."""

from __future__ import annotations

from typing import Any

from sekit.checks.context import Context
from sekit.checks.findings import finding, worst_summary
from sekit.checks.model.subject import previous_from_config, subject_from_config
from sekit.checks.model.testset import needs_labelled_test, primary, scores, test_set
from sekit.checks.spec import CheckSpec, Kind, MltsClaim
from sekit.config.schema import Model
from sekit.results import CheckResult


def needs_previous(config: Any) -> str | None:
    if config.model is None or config.model.baseline is None:
        return "no [model].baseline (the previously deployed model) to compare with"
    return needs_labelled_test(config)


def check_previous(ctx: Context) -> CheckResult:
    subject = subject_from_config(ctx)
    previous = previous_from_config(ctx)
    _, frame, truth = test_set(ctx)
    section = ctx.config.model
    assert section is not None
    now = primary(subject.task, scores(subject, frame, truth))
    before = primary(previous.task, scores(previous, frame, truth))
    delta = now - before
    findings = []
    if delta < -section.baseline_tolerance:
        findings.append(
            finding(
                "baseline_regression",
                "fail",
                f"the candidate scores {now:.3f}, the deployed model "
                f"{before:.3f} ({delta:+.3f}, tolerance {section.baseline_tolerance:g}): do not "
                "replace it",
                candidate=now,
                deployed=before,
                delta=delta,
            )
        )
    return CheckResult.from_findings(
        id="model.previous",
        suite="model",
        findings=findings,
        summary=worst_summary(findings, f"{now:.3f} vs deployed {before:.3f} ({delta:+.3f})"),
        metrics={"baseline_score": before, "baseline_delta": delta},
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
)

SPECS = (
    CheckSpec(
        id="model.previous",
        title="no worse than the deployed model",
        func=check_previous,
        emits="`baseline_regression`: worse than `[model].baseline` (fail)",
        kinds=(BASELINE_REGRESSION,),
        settings=("[model].baseline", "[model].baseline_tolerance"),
        requires=needs_previous,
        mlts=(
            MltsClaim(
                "infra-4",
                "'test that the model quality is acceptable ... against a previous version' "
                "before serving it",
            ),
        ),
        section=("[model]", Model),
        order=40,
    ),
)
