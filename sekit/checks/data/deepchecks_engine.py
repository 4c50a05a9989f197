"""The Deepchecks engine for data: ``data_integrity`` and ``train_test_validation``.

Run with ``sekit check data --engine deepchecks`` (or ``all``). Both suites run for real on the
configured datasets; frames above :data:`sekit.checks.deepchecks_adapter.MAX_ROWS` rows are
sampled first (Deepchecks needs about 50 s and 2.6 GB for ``data_integrity`` on a million rows).
Deepchecks' own HTML reports are saved in ``.sekit/deepchecks/``.
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
from sekit.checks.spec import CheckSpec
from sekit.results import Outcome
from sekit.subjects.datasets import DataBundle, bundle_from_config


def rules(checks: Sequence[Declared]) -> dict[str, Any]:
    """Deepchecks check name -> how its failed conditions become sekit findings, from the
    ``deepchecks`` counterparts that the native data checks declare."""
    native = [spec for spec in checks if spec.suite == "data" and spec.engine == "native"]
    return {name: rule for spec in native for name, rule in spec.deepchecks.items()}


def _class_balance(check: Any, threshold: float) -> Any:
    """ClassImbalance with a condition that warns when the classes are imbalanced.

    Deepchecks 0.19.1's own ``add_condition_class_ratio_less_than`` is inverted: it warns when
    the smallest/largest ratio is *at or above* the threshold, i.e. on balanced data.
    """
    from deepchecks.core import ConditionCategory, ConditionResult

    def balanced(result: dict[Any, float]) -> Any:
        shares = list(result.values())
        ratio = shares[-1] / shares[0] if shares and shares[0] else 1.0
        details = f"smallest/largest class ratio is {ratio:.3g}"
        if ratio < threshold:
            return ConditionResult(ConditionCategory.WARN, details)
        return ConditionResult(ConditionCategory.PASS, details)

    return check.add_condition(f"smallest/largest class ratio is at least {threshold:g}", balanced)


def _with_sekit_settings(suite: Any, bundle: DataBundle) -> Any:
    """Judge leakage with sekit's [data.leakage] threshold; add the nulls and class-balance
    checks that the default data_integrity suite lacks."""
    from deepchecks.tabular.checks import ClassImbalance, PercentOfNulls

    power = bundle.leakage.max_feature_power
    if suite.name == "Data Integrity Suite":
        suite.add(PercentOfNulls().add_condition_percent_of_nulls_not_greater_than(0.0))
        if bundle.label is not None and bundle.is_classification():
            suite.add(_class_balance(ClassImbalance(), bundle.quality.min_class_ratio))
    for check in suite.checks.values():
        name = type(check).__name__
        if name == "FeatureLabelCorrelation":
            check.clean_conditions()
            check.add_condition_feature_pps_less_than(power)
        elif name == "FeatureLabelCorrelationChange":
            check.clean_conditions()
            check.add_condition_feature_pps_difference_less_than(0.2)
            check.add_condition_feature_pps_in_train_less_than(power)
    return suite


def integrity(ctx: Context) -> Outcome:
    import_deepchecks()
    from deepchecks.tabular.suites import data_integrity

    bundle = bundle_from_config(ctx)
    suite = _with_sekit_settings(data_integrity(), bundle)
    dataset = deepchecks_dataset(bundle, bundle.train.frame, with_label=True)
    outcome = run_suite(suite, train_dataset=dataset)
    html = save_html(outcome, ctx.workdir / "deepchecks" / "data_integrity.html")
    findings, failed, errored = findings_of(outcome, rules(ctx.checks), bundle.train.frame.columns)
    return build_result(findings, failed, errored, html, len(outcome.results))


def train_test(ctx: Context) -> Outcome:
    import_deepchecks()
    from deepchecks.tabular.suites import train_test_validation

    bundle = bundle_from_config(ctx)
    other = bundle.test or bundle.production
    if other is None:
        return Outcome.skipped("needs data.test or data.production")
    suite = _with_sekit_settings(train_test_validation(), bundle)
    train = deepchecks_dataset(bundle, bundle.train.frame, with_label=True)
    current = deepchecks_dataset(bundle, other.frame, with_label=other.role == "test")
    outcome = run_suite(suite, train_dataset=train, test_dataset=current)
    html = save_html(outcome, ctx.workdir / "deepchecks" / "train_test_validation.html")
    findings, failed, errored = findings_of(outcome, rules(ctx.checks), bundle.train.frame.columns)
    return build_result(findings, failed, errored, html, len(outcome.results))


DEEPCHECKS_INTEGRITY_CHECK = CheckSpec(
    id="data.deepchecks_integrity",
    title="Deepchecks data_integrity suite",
    func=integrity,
    engine="deepchecks",
    emits="each failed condition as the finding kind of the native check it matches",
    kinds=(CHECK_ERROR,),
)

DEEPCHECKS_TRAIN_TEST_CHECK = CheckSpec(
    id="data.deepchecks_train_test",
    title="Deepchecks train_test_validation suite",
    func=train_test,
    engine="deepchecks",
    emits="each failed condition as the finding kind of the native check it matches",
    kinds=(CHECK_ERROR,),
)
