"""The data checks: schema, quality, leakage and drift on ``[data]``'s datasets.

Each check is a function ``(DataBundle) -> CheckResult`` listed in :data:`NATIVE`; importing
this package registers them (and the Deepchecks engine's checks) in the check registry. The
Python API, :func:`sekit.data.check`, runs the same list on DataFrames.
"""

from __future__ import annotations

from collections.abc import Callable

from sekit.checks import FunctionCheck, register
from sekit.checks.context import Context
from sekit.checks.data.bundle import DataBundle, bundle_from_config
from sekit.checks.data.drift import check_drift, check_label_drift
from sekit.checks.data.leakage import check_label_leakage
from sekit.checks.data.quality import (
    check_class_imbalance,
    check_conflicting_labels,
    check_constant_columns,
    check_correlated_features,
    check_duplicates,
    check_outliers,
)
from sekit.checks.data.schema import check_mixed_types, check_schema
from sekit.checks.data.values import (
    check_missing_values,
    check_out_of_range,
    check_string_mismatch,
    check_unexpected_category,
)
from sekit.results import CheckResult

DataCheck = Callable[[DataBundle], CheckResult]

NATIVE: dict[str, tuple[str, DataCheck]] = {
    "data.schema": ("columns and types match the schema", check_schema),
    "data.mixed_types": ("no numbers stored as text, no mixed types", check_mixed_types),
    "data.missing_values": (
        "no missing values where the schema forbids them",
        check_missing_values,
    ),
    "data.out_of_range": ("values within min/max", check_out_of_range),
    "data.unexpected_category": ("categories within allowed", check_unexpected_category),
    "data.string_mismatch": ("no case/whitespace variants of a category", check_string_mismatch),
    "data.duplicates": ("no duplicate rows", check_duplicates),
    "data.conflicting_labels": ("equal features, equal labels", check_conflicting_labels),
    "data.constant_columns": ("no constant features", check_constant_columns),
    "data.class_imbalance": ("classes reasonably balanced", check_class_imbalance),
    "data.outliers": ("few outliers", check_outliers),
    "data.correlated_features": (
        "no redundant, near-identical features",
        check_correlated_features,
    ),
    "data.label_leakage": (
        "no feature gives the label away; no test rows in train",
        check_label_leakage,
    ),
    "data.drift": ("features distributed alike in train, test and production", check_drift),
    "data.label_drift": ("label distributed alike in train and test", check_label_drift),
}


def _on_config(func: DataCheck) -> Callable[[Context], CheckResult]:
    def run(ctx: Context) -> CheckResult:
        return func(bundle_from_config(ctx))

    run.__doc__ = func.__doc__
    return run


for _id, (_title, _func) in NATIVE.items():
    register(FunctionCheck(id=_id, suite="data", title=_title, func=_on_config(_func)))

from sekit.checks.data import deepchecks_engine as _deepchecks_engine  # noqa: E402, F401
