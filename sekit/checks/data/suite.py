"""The data suite: schema, quality, leakage and drift on ``[data]``'s datasets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sekit.checks.suite import Suite

if TYPE_CHECKING:
    from sekit.checks.spec import CheckSpec
    from sekit.config.schema import Config


def _applies(config: Config, asked: bool) -> str | None:
    if config.data is None:
        return "the config has no [data] table"
    if config.data.train is None:
        return "the config names no training data ([data].train): a given model's inputs"
    return None


def _checks() -> list[CheckSpec]:
    """The checks, in report order (imported when listed or run)."""
    from sekit.checks.data import (
        deepchecks_engine,
        drift,
        duplicates,
        entities,
        identifiers,
        leakage,
        quality,
        representation,
        schema,
        strings,
        values,
    )

    return [
        schema.SCHEMA_CHECK,
        schema.MIXED_TYPES_CHECK,
        values.MISSING_VALUES_CHECK,
        values.OUT_OF_RANGE_CHECK,
        values.UNEXPECTED_CATEGORY_CHECK,
        strings.STRING_MISMATCH_CHECK,
        duplicates.DUPLICATES_CHECK,
        duplicates.CONFLICTING_LABELS_CHECK,
        entities.ENTITIES_CHECK,
        quality.CONSTANT_COLUMNS_CHECK,
        quality.CLASS_IMBALANCE_CHECK,
        quality.OUTLIERS_CHECK,
        quality.CORRELATED_FEATURES_CHECK,
        identifiers.IDENTIFIER_COLUMNS_CHECK,
        leakage.LABEL_LEAKAGE_CHECK,
        drift.DRIFT_CHECK,
        drift.LABEL_DRIFT_CHECK,
        representation.REPRESENTATION_CHECK,
        deepchecks_engine.DEEPCHECKS_INTEGRITY_CHECK,
        deepchecks_engine.DEEPCHECKS_TRAIN_TEST_CHECK,
    ]


SUITE = Suite(
    name="data",
    title="Data tests: schema, quality, leakage and drift of the datasets",
    checks=_checks,
    applies=_applies,
    needs="[data]",
    order=10,
)
