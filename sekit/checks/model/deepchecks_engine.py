"""The Deepchecks engine for models: the real ``model_evaluation`` suite.

Run with ``sekit check model --engine deepchecks`` (or ``all``). Conditions map to sekit kinds
by :data:`RULES`; checks that did not run (on scikit-learn 1.7, some regression checks) count as
errors, never as passes. Deepchecks' HTML report is saved in ``.sekit/deepchecks/``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sekit.checks.context import Context, Declared
from sekit.checks.deepchecks_adapter import (
    build_result,
    deepchecks_dataset,
    findings_of,
    import_deepchecks,
    run_suite,
    save_html,
)
from sekit.checks.kinds import CHECK_ERROR
from sekit.checks.spec import CheckSpec, Kind, Rule
from sekit.results import Outcome
from sekit.subjects.datasets import bundle_from_config
from sekit.subjects.model import subject_from_config
from sekit.subjects.testset import needs_labelled_test
from sekit.threads import one_thread

UNUSED_FEATURES = Kind(
    "unused_features",
    "features the model hardly uses",
    "Features the model hardly uses still cost collection, storage and validation, and may "
    "drift unnoticed.",
    "Check the feature importances in Deepchecks' report.",
    "Drop them from the pipeline, or find out why they carry no signal.",
)


def rules(checks: Sequence[Declared]) -> dict[str, Any]:
    """Deepchecks check name -> how its failed conditions become sekit findings, from the
    ``deepchecks`` counterparts that the native model checks declare."""

    found: dict[str, Any] = {"UnusedFeatures": Rule(UNUSED_FEATURES, "info")}
    for spec in (s for s in checks if s.suite == "model" and s.engine == "native"):
        found.update(spec.deepchecks)
    return found


class _Adapter:
    """Deepchecks calls ``predict`` on its own feature frame; hand the model its columns."""

    def __init__(self, model: Any, features: list[str], named: bool) -> None:
        self._model, self._features, self._named = model, features, named
        if hasattr(model, "classes_"):
            self.classes_ = model.classes_

    def _x(self, frame: Any) -> Any:
        rows = frame[self._features]
        return rows if self._named else rows.to_numpy()

    def fit(self, *args: Any, **kwargs: Any) -> _Adapter:
        """scikit-learn's permutation importance checks that an estimator can ``fit``; the
        model is already trained, so this does nothing."""
        return self

    def predict(self, frame: Any) -> Any:
        return self._model.predict(self._x(frame))


class _ProbaAdapter(_Adapter):
    def predict_proba(self, frame: Any) -> Any:
        return self._model.predict_proba(self._x(frame))


def evaluation(ctx: Context) -> Outcome:
    import_deepchecks()
    from deepchecks.tabular.suites import model_evaluation

    bundle = bundle_from_config(ctx)
    subject = subject_from_config(ctx)
    assert bundle.test is not None
    train = deepchecks_dataset(bundle, bundle.train.frame, with_label=True)
    test = deepchecks_dataset(bundle, bundle.test.frame, with_label=True)
    if subject.named and list(train.features) == subject.features:
        adapter: Any = subject.model  # a scikit-learn model on the same columns: use it as is
    else:
        kind = _ProbaAdapter if subject.has_proba else _Adapter
        adapter = kind(subject.model, subject.features, subject.named)
    with one_thread():  # Deepchecks calls the team's model in this thread (sekit.threads)
        outcome = run_suite(
            model_evaluation(), train_dataset=train, test_dataset=test, model=adapter
        )
    html = save_html(outcome, ctx.workdir / "deepchecks" / "model_evaluation.html")
    findings, failed, errored = findings_of(outcome, rules(ctx.checks), bundle.train.frame.columns)
    return build_result(
        findings,
        failed,
        errored,
        html,
        len(outcome.results),
    )


DEEPCHECKS_EVALUATION_CHECK = CheckSpec(
    id="model.deepchecks_evaluation",
    title="Deepchecks model_evaluation suite",
    func=evaluation,
    engine="deepchecks",
    emits="each failed condition as the finding kind of the native check it matches; "
    "`unused_features` (info)",
    kinds=(UNUSED_FEATURES, CHECK_ERROR),
    requires=needs_labelled_test,
)
