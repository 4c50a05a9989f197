"""``model.quality``: the task's metrics on the test set, and the gap to the training set."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sekit.checks.context import Context
from sekit.checks.data.kinds import DRIFT
from sekit.checks.findings import finding, worst_summary
from sekit.checks.model.behaviour.kinds import INVALID_OUTPUT
from sekit.checks.model.figures import Confusion, quality_figures
from sekit.checks.spec import CheckSpec, Kind, Metric, MltsClaim, Rule
from sekit.config.schema import Model
from sekit.results import Finding, Outcome, not_measured
from sekit.subjects.model import ModelUnderTest, subject_from_config
from sekit.subjects.testset import (
    InvalidPredictions,
    needs_labelled_test,
    scores,
    test_set,
)

if TYPE_CHECKING:
    import pandas as pd


def _confusion(subject: ModelUnderTest, frame: pd.DataFrame, truth: pd.Series) -> Finding:
    """The confusion matrix on the test set, for the report's picture."""
    from sklearn.metrics import confusion_matrix

    labels = subject.classes or sorted(set(truth))
    matrix = confusion_matrix(truth.to_numpy(), subject.predict(frame), labels=labels)
    kept = Confusion(labels=[str(label) for label in labels], matrix=matrix.tolist())
    return kept.finding(PERFORMANCE, "confusion matrix on the test set (rows: true class)")


MIN_ANSWERED = 0.5  # of the test rows, for an endpoint's quality to be measured


def _unanswered(subject: ModelUnderTest, frame: pd.DataFrame) -> tuple[int, str]:
    """How many test rows an endpoint left without an answer, and why (``timeout 3, http 503
    1``); (0, "") for a model sekit loads."""
    from sekit.subjects.endpoint_model import EndpointModel

    if not isinstance(subject.model, EndpointModel):
        return 0, ""
    subject.predict(frame)  # the calls (reused by the scores)
    reasons = subject.model.unanswered(frame)
    shown = ", ".join(f"{why} {n}" for why, n in sorted(reasons.items(), key=lambda r: -r[1]))
    return sum(reasons.values()), shown


def check_quality(ctx: Context) -> Outcome:
    """The task's metrics on the test set. For a model that is an endpoint, a call without an
    answer (a time-out, an error status, no prediction in the answer) is a wrong answer, as
    users meet it, as long as at least half of the test rows were answered; with fewer, the
    score would describe the endpoint's failures more than the model, so quality is not
    measured and the check ends ``error`` (``endpoint.timeout_rate`` and
    ``endpoint.error_rate`` of ``model.endpoint`` say how the calls failed)."""
    subject = subject_from_config(ctx)
    bundle, frame, truth = test_set(ctx)
    missing, why = _unanswered(subject, frame)
    if missing > (1 - MIN_ANSWERED) * len(frame):
        return Outcome.from_findings(
            summary="",
            findings=[
                not_measured(
                    f"{missing} of {len(frame)} test rows brought no answer from the endpoint "
                    f"({why}): a quality measured on fewer than {MIN_ANSWERED:.0%} of the rows "
                    "measures the endpoint's failures, not the model",
                    unanswered=missing,
                    rows=len(frame),
                )
            ],
        )
    try:
        values = scores(subject, frame, truth)
    except InvalidPredictions as exc:
        return Outcome.from_findings(
            summary=f"cannot score the model: {exc}",
            findings=[finding(INVALID_OUTPUT, "fail", f"on the test set: {exc}")],
        )
    findings: list[Finding] = []
    train = bundle.train.frame
    if bundle.label is not None and bundle.label in train.columns:
        fitted = scores(subject, train.head(50_000), train[bundle.label].head(50_000))
        key = "accuracy" if subject.task == "classification" else "r2"
        gap = fitted[key] - values[key]
        values[f"train_{key}"] = fitted[key]
        if gap > 0.1:
            findings.append(
                finding(
                    PERFORMANCE,
                    "warn",
                    f"{key} is {fitted[key]:.3f} on the training set but "
                    f"{values[key]:.3f} on the test set (gap {gap:.3f}): the model overfits",
                    metric=key,
                    train=fitted[key],
                    test=values[key],
                )
            )
    shown = ", ".join(f"{k} {v:.3f}" for k, v in values.items() if not k.startswith("train_"))
    if missing:
        shown += f"; {missing} of {len(frame)} rows had no answer ({why}), counted wrong"
    if subject.task == "classification":
        findings.append(_confusion(subject, frame, truth))
    return Outcome.from_findings(
        findings=findings,
        summary=worst_summary(findings, shown),
        metrics=values,
    )


# --- declarations ----------------------------------------------------------------------

PERFORMANCE = Kind(
    "performance",
    "a quality metric below what the project needs",
    (
        "A metric below the requirement, or a large train/test gap (overfitting), means the model "
        "will not deliver what the specification promises."
    ),
    (
        "Compare training and test metrics, look at the weakest slices, and check the data checks "
        "first."
    ),
    (
        "More or better data, regularisation, simpler models; revisit the requirement with "
        "stakeholders if it is unrealistic."
    ),
)
MODEL_ACCURACY = Metric(
    "model.accuracy",
    "accuracy on the test set",
    "The share of correct predictions; misleading with imbalanced classes.",
    "Check per-class results and model.f1_macro.",
    "See the model and data findings.",
    gate="min = 0.85",
)
MODEL_F1_MACRO = Metric(
    "model.f1_macro",
    "macro-averaged F1 on the test set",
    (
        "F1 averaged over classes weighs rare classes equally: a better single number than "
        "accuracy when classes are imbalanced."
    ),
    "Look at per-class precision and recall.",
    "Class weights, resampling, threshold tuning.",
    gate="min = 0.8",
)
MODEL_ROC_AUC = Metric(
    "model.roc_auc",
    "ROC AUC on the test set (one-vs-rest for multiclass)",
    "How well the scores rank positives above negatives, independent of a threshold.",
    "Plot the ROC curve; compare with the constant baseline (0.5).",
    "Better features or models; calibrate separately.",
    gate="min = 0.9",
)
MODEL_R2 = Metric(
    "model.r2",
    "coefficient of determination on the test set",
    "The share of the label's variance the model explains (0: no better than the mean).",
    "Compare with model.simple_baseline's linear score.",
    "Features, models, more data.",
    gate="min = 0.5",
)
MODEL_MAE = Metric(
    "model.mae",
    "mean absolute error on the test set",
    "The average absolute error, in the label's own units: easy to explain to users.",
    "Look at weak slices for where errors concentrate.",
    "Features, models, more data.",
    gate="max = 50",
)
MODEL_RMSE = Metric(
    "model.rmse",
    "root mean squared error on the test set",
    "Like MAE but large errors weigh more: use it when big misses are costly.",
    "Compare with MAE: a large gap means a few big errors.",
    "Find and fix the big misses.",
    gate="max = 60",
)

QUALITY_CHECK = CheckSpec(
    id="model.quality",
    title="quality on the test set",
    func=check_quality,
    emits="accuracy, macro F1, ROC AUC (classification) or R², MAE, RMSE; `performance` "
    "(warn) when train and test differ by more than 0.1; error when an endpoint left more "
    "than half the test rows without an answer",
    kinds=(PERFORMANCE, INVALID_OUTPUT),
    metrics=(MODEL_ACCURACY, MODEL_F1_MACRO, MODEL_ROC_AUC, MODEL_R2, MODEL_MAE, MODEL_RMSE),
    requires=needs_labelled_test,
    mlts=(
        MltsClaim(
            "infra-4",
            "'test that the model quality is acceptable ... against a previous version' "
            "before serving it",
        ),
    ),
    deepchecks={
        "TrainTestPerformance": Rule(PERFORMANCE, "warn"),
        "RocReport": Rule(PERFORMANCE, "fail"),
        "RegressionErrorDistribution": Rule(PERFORMANCE, "warn"),
        "BoostingOverfit": Rule(PERFORMANCE, "warn"),
        "ModelInferenceTime": Rule(PERFORMANCE, "warn"),
        "PredictionDrift": Rule(DRIFT, "warn"),
    },
    section=("[model]", Model),
    settings=("[data].test", "[data].label", "[model].task"),
    figures=quality_figures,
)
