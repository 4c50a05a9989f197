"""How good the model is on the test set: ``model.quality``, ``model.slices``,
``model.simple_baseline`` and ``model.previous`` (against ``[model].baseline``).

The comparisons use one primary score: macro F1 for classification (robust to imbalance) and
R² for regression; higher is better for both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sekit.checks.context import Context
from sekit.checks.data._common import finding, worst_summary
from sekit.checks.data.bundle import DataBundle, bundle_from_config
from sekit.checks.data.types import is_number, looks_categorical
from sekit.checks.model.subject import ModelUnderTest, previous_from_config, subject_from_config
from sekit.results import CheckResult, Finding

if TYPE_CHECKING:
    import pandas as pd


def needs_labelled_test(config: Any) -> str | None:
    data = config.data
    if data is None or data.test is None or data.label is None:
        return "needs data.test and data.label to score the model"
    return None


def _test_set(ctx: Context) -> tuple[DataBundle, pd.DataFrame, pd.Series]:
    bundle = bundle_from_config(ctx)
    assert bundle.test is not None and bundle.label is not None
    frame = bundle.test.frame
    frame = frame[frame[bundle.label].notna()]
    return bundle, frame, frame[bundle.label]


class InvalidPredictions(Exception):
    """The model's predictions cannot be scored (not numbers, wrong length)."""


def scores(subject: ModelUnderTest, frame: pd.DataFrame, truth: pd.Series) -> dict[str, float]:
    """The task's metrics on labelled rows."""
    import numpy as np
    from sklearn import metrics

    predicted = subject.predict(frame)
    if len(predicted) != len(frame):
        raise InvalidPredictions(f"{len(frame)} rows gave {len(predicted)} predictions")
    if subject.task == "regression":
        actual = truth.to_numpy(dtype="float64")
        predicted = predicted.astype("float64")
        bad = int((~np.isfinite(predicted)).sum())
        if bad:
            raise InvalidPredictions(
                f"{bad} of {len(predicted)} predictions are not finite numbers"
            )
        return {
            "r2": float(metrics.r2_score(actual, predicted)),
            "mae": float(metrics.mean_absolute_error(actual, predicted)),
            "rmse": float(np.sqrt(metrics.mean_squared_error(actual, predicted))),
        }
    actual = truth.to_numpy()
    result = {
        "accuracy": float(metrics.accuracy_score(actual, predicted)),
        "f1_macro": float(metrics.f1_score(actual, predicted, average="macro", zero_division=0)),
    }
    if subject.has_proba and len(np.unique(actual)) > 1:
        proba = subject.predict_proba(frame)
        try:
            if proba.shape[1] == 2:
                positive = proba[:, 1]
                result["roc_auc"] = float(
                    metrics.roc_auc_score(actual == subject.classes[1], positive)
                )
            else:
                result["roc_auc"] = float(
                    metrics.roc_auc_score(actual, proba, multi_class="ovr", labels=subject.classes)
                )
        except ValueError:
            pass  # a class of the model is absent from the test set: AUC is undefined
    return result


def _confusion(subject: ModelUnderTest, frame: pd.DataFrame, truth: pd.Series) -> Finding:
    """The confusion matrix on the test set, for the report's picture."""
    from sklearn.metrics import confusion_matrix

    labels = subject.classes or sorted(set(truth))
    matrix = confusion_matrix(truth.to_numpy(), subject.predict(frame), labels=labels)
    return finding(
        "performance",
        "info",
        "confusion matrix on the test set (rows: true class)",
        labels=[str(label) for label in labels],
        matrix=matrix.tolist(),
    )


def primary(task: str, values: dict[str, float]) -> float:
    return values["f1_macro"] if task == "classification" else values["r2"]


def check_quality(ctx: Context) -> CheckResult:
    subject = subject_from_config(ctx)
    bundle, frame, truth = _test_set(ctx)
    try:
        values = scores(subject, frame, truth)
    except InvalidPredictions as exc:
        return CheckResult.from_findings(
            id="model.quality",
            suite="model",
            summary=f"cannot score the model: {exc}",
            findings=[finding("invalid_output", "fail", f"on the test set: {exc}")],
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
                    "performance",
                    "warn",
                    f"{key} is {fitted[key]:.3f} on the training set but "
                    f"{values[key]:.3f} on the test set (gap {gap:.3f}): the model overfits",
                    metric=key,
                    train=fitted[key],
                    test=values[key],
                )
            )
    shown = ", ".join(f"{k} {v:.3f}" for k, v in values.items() if not k.startswith("train_"))
    if subject.task == "classification":
        findings.append(_confusion(subject, frame, truth))
    return CheckResult.from_findings(
        id="model.quality",
        suite="model",
        findings=findings,
        summary=worst_summary(findings, shown),
        metrics=values,
    )


def _slices(
    frame: pd.DataFrame, features: list[str], min_size: int
) -> list[tuple[str, str, pd.Series]]:
    """(feature, description, row mask) for each category and each numeric quartile."""
    import pandas as pd

    found = []
    for column in features:
        series = frame[column]
        if looks_categorical(series):
            for value, count in series.value_counts(dropna=False).items():
                if count >= min_size and len(series.unique()) <= 50:
                    mask = series.isna() if value != value else series == value
                    found.append((column, f"{column} = {value!r}", mask))
        elif is_number(series):
            try:
                bins = pd.qcut(series, 4, duplicates="drop")
            except ValueError:
                continue
            for interval in bins.cat.categories:
                mask = bins == interval
                if int(mask.sum()) >= min_size:
                    found.append((column, f"{column} in {interval}", mask))
    return found


def check_slices(ctx: Context) -> CheckResult:
    import numpy as np

    subject = subject_from_config(ctx)
    _, frame, truth = _test_set(ctx)
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
    judged = []
    for column, description, mask in _slices(frame, subject.features, section.slice_min_size):
        rows = mask.to_numpy()
        value = float(np.mean(correct[rows])) if classification else float(np.mean(errors[rows]))
        judged.append((column, description, value, int(rows.sum())))
    if not judged:
        return CheckResult.skipped(
            id="model.slices",
            suite="model",
            reason=f"no slice has {section.slice_min_size} test rows",
        )
    metric = "accuracy" if classification else "MAE"
    if classification:
        judged.sort(key=lambda item: item[2])
        weak = [j for j in judged if j[2] < overall - section.slice_max_drop]
    else:
        judged.sort(key=lambda item: -item[2])
        weak = [j for j in judged if j[2] > overall * (1 + section.slice_max_drop)]
    findings = [
        finding(
            "weak_slice",
            "warn",
            f"{description}: {metric} {value:.3f} on {size} rows against {overall:.3f} overall",
            column=column,
            slice=description,
            value=value,
            overall=overall,
            rows=size,
        )
        for column, description, value, size in weak[:10]
    ]
    worst = judged[0]
    findings.append(
        finding(
            "weak_slice",
            "info",
            f"{metric} per slice, worst first",
            overall=overall,
            slices=[{"slice": d, "value": v, "rows": n} for _, d, v, n in judged[:40]],
        )
    )
    name = "worst_slice_accuracy" if classification else "worst_slice_mae"
    return CheckResult.from_findings(
        id="model.slices",
        suite="model",
        findings=findings,
        summary=worst_summary(
            findings, f"worst slice {worst[1]}: {metric} {worst[2]:.3f} (overall {overall:.3f})"
        ),
        metrics={name: worst[2], "weak_slices": len(weak)},
    )


def check_simple_baseline(ctx: Context) -> CheckResult:
    """The model must beat a constant guess, and should beat a linear model."""
    subject = subject_from_config(ctx)
    bundle, frame, truth = _test_set(ctx)
    label = bundle.label
    assert label is not None
    train = bundle.train.frame
    train = train[train[label].notna()]
    if len(train) > 50_000:
        train = train.sample(n=50_000, random_state=0)
    model_score = primary(subject.task, scores(subject, frame, truth))
    findings: list[Finding] = []
    metrics: dict[str, float] = {}
    for name, estimator in _baselines(subject, train).items():
        estimator.fit(train[subject.features], train[label])
        wrapped = ModelUnderTest(
            estimator,
            name,
            subject.task,
            subject.features,
            named=True,
            classes=list(getattr(estimator, "classes_", [])),
        )
        score = primary(subject.task, scores(wrapped, frame, truth))
        metrics[f"{name}_score"] = score
        if model_score <= score:
            severity = "fail" if name == "constant" else "warn"
            findings.append(
                finding(
                    "simple_model_better",
                    severity,
                    f"a {name} baseline scores {score:.3f}, the "
                    f"model {model_score:.3f}: "
                    + (
                        "it is no better than always guessing the same"
                        if name == "constant"
                        else "is the extra complexity worth it?"
                    ),
                    baseline=name,
                    baseline_score=score,
                    model_score=model_score,
                )
            )
    metrics["simple_model_gain"] = model_score - max(metrics.values())
    score_name = "macro F1" if subject.task == "classification" else "R²"
    return CheckResult.from_findings(
        id="model.simple_baseline",
        suite="model",
        findings=findings,
        summary=worst_summary(
            findings,
            f"beats the constant and linear baselines "
            f"({score_name} {model_score:.3f} vs "
            f"{max(metrics[k] for k in metrics if k.endswith('_score')):.3f})",
        ),
        metrics=metrics,
    )


def _baselines(subject: ModelUnderTest, train: pd.DataFrame) -> dict[str, Any]:
    from sklearn.compose import ColumnTransformer
    from sklearn.dummy import DummyClassifier, DummyRegressor
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = [
        c for c in subject.features if is_number(train[c]) and not looks_categorical(train[c])
    ]
    categorical = [c for c in subject.features if c not in numeric]
    encode = ColumnTransformer(
        [
            ("numbers", make_pipeline(SimpleImputer(), StandardScaler()), numeric),
            (
                "categories",
                make_pipeline(
                    SimpleImputer(strategy="most_frequent"),
                    OneHotEncoder(handle_unknown="ignore", max_categories=20),
                ),
                categorical,
            ),
        ]
    )
    if subject.task == "classification":
        return {
            "constant": DummyClassifier(strategy="most_frequent"),
            "linear": make_pipeline(encode, LogisticRegression(max_iter=1000)),
        }
    return {"constant": DummyRegressor(), "linear": make_pipeline(encode, Ridge())}


def needs_previous(config: Any) -> str | None:
    if config.model is None or config.model.baseline is None:
        return "no [model].baseline (the previously deployed model) to compare with"
    return needs_labelled_test(config)


def check_previous(ctx: Context) -> CheckResult:
    subject = subject_from_config(ctx)
    previous = previous_from_config(ctx)
    _, frame, truth = _test_set(ctx)
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
