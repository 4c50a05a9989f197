"""``model.simple_baseline``: the model must beat a constant guess, and should beat a linear
model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sekit.checks.context import Context
from sekit.checks.findings import finding, worst_summary
from sekit.checks.spec import CheckSpec, Kind, MltsClaim, Rule
from sekit.config.schema import Model
from sekit.results import Finding, Outcome
from sekit.subjects.model import ModelUnderTest, subject_from_config
from sekit.subjects.testset import needs_labelled_test, primary, scores, test_set
from sekit.subjects.types import is_number, looks_categorical
from sekit.threads import one_thread

if TYPE_CHECKING:
    import pandas as pd


def check_simple_baseline(ctx: Context) -> Outcome:
    """The model must beat a constant guess, and should beat a linear model."""
    subject = subject_from_config(ctx)
    bundle, frame, truth = test_set(ctx)
    label = bundle.label
    assert label is not None
    if bundle.train.role != "train":
        return Outcome.skipped(
            reason="no training data ([data].train) to fit the simple models on",
        )
    train = bundle.train.frame
    train = train[train[label].notna()]
    if len(train) > 50_000:
        train = train.sample(n=50_000, random_state=0)
    model_score = primary(subject.task, scores(subject, frame, truth))
    findings: list[Finding] = []
    metrics: dict[str, float] = {}
    for name, estimator in _baselines(subject, train).items():
        with one_thread():  # fitted beside the team's model, under the same limit
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
                    SIMPLE_MODEL_BETTER,
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
    return Outcome.from_findings(
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
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = [
        c for c in subject.features if is_number(train[c]) and not looks_categorical(train[c])
    ]
    texts = [c for c in subject.features if c not in numeric and free_text(train[c])]
    categorical = [c for c in subject.features if c not in numeric and c not in texts]
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
            # free text: the words' TF-IDF, the linear baseline every text model must beat
            *[(f"text {c}", TfidfVectorizer(min_df=2, sublinear_tf=True), c) for c in texts],
        ]
    )
    if subject.task == "classification":
        return {
            "constant": DummyClassifier(strategy="most_frequent"),
            "linear": make_pipeline(encode, LogisticRegression(max_iter=1000)),
        }
    return {"constant": DummyRegressor(), "linear": make_pipeline(encode, Ridge())}


def free_text(series: pd.Series) -> bool:
    """A column of prose (reviews, messages), not of codes: text with several words per value
    on average and mostly distinct values."""
    from sekit.subjects.types import is_text

    if not is_text(series):
        return False
    values = series.dropna().astype(str)
    if values.empty:
        return False
    words = values.map(lambda value: len(value.split())).mean()
    return bool(words >= 3 and values.nunique() >= 0.5 * len(values))


# --- declarations ----------------------------------------------------------------------

SIMPLE_MODEL_BETTER = Kind(
    "simple_model_better",
    "a trivial baseline model does as well as the model",
    (
        "A complex model that does not beat a trivial or linear baseline costs complexity without "
        "benefit, or is broken."
    ),
    "Compare with the constant guess and the linear model in the finding.",
    (
        "Fix the pipeline if it is worse than guessing; otherwise prefer the simpler model or "
        "justify the complex one."
    ),
)

SIMPLE_BASELINE_CHECK = CheckSpec(
    id="model.simple_baseline",
    title="beats constant and linear baselines",
    func=check_simple_baseline,
    emits="`simple_model_better`: a constant guess does as well (fail), a linear model (warn)",
    kinds=(SIMPLE_MODEL_BETTER,),
    requires=needs_labelled_test,
    mlts=(
        MltsClaim(
            "model-5",
            "'regularly testing against a very simple baseline model, such as a linear model'",
        ),
    ),
    deepchecks={"SimpleModelComparison": Rule(SIMPLE_MODEL_BETTER, "fail")},
    section=("[model]", Model),
    settings=("[model].task",),
)
