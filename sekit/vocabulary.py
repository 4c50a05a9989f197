"""The shared vocabulary: finding kinds and metric names that users, CI and instructors rely on.

Names come from SPEC.md and are never renamed. A check that emits a new kind or metric adds it
here (``sekit explain`` and config validation read these tables).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    name: str
    suite: str
    summary: str


def _table(suite: str, entries: dict[str, str]) -> dict[str, Term]:
    return {name: Term(name, suite, summary) for name, summary in entries.items()}


KINDS: dict[str, Term] = {
    **_table(
        "data",
        {
            "missing_values": "null values in a column the schema declares nullable = false",
            "duplicate_rows": "identical rows repeated in a dataset",
            "conflicting_labels": "identical feature rows that carry different labels",
            "mixed_types": "a column that mixes value types, such as numbers stored as text",
            "out_of_range": "values below the schema's min or above its max",
            "unexpected_category": "a category value outside the schema's allowed list",
            "schema_mismatch": "a missing or extra column, or a column of the wrong type",
            "constant_column": "a column with a single value, which carries no information",
            "label_leakage": "a feature that gives the label away, or test rows seen in training",
            "drift": "a feature distributed differently between train and test or production",
            "label_drift": "the label distributed differently between train and test",
            "class_imbalance": "a class far rarer than the others",
            "outliers": "values far outside the bulk of a column",
            "string_mismatch": "case or whitespace variants of one category",
            "correlated_features": "two features so correlated that one of them is redundant",
        },
    ),
    **_table(
        "model",
        {
            "performance": "a quality metric below what the project needs",
            "weak_slice": "a slice of the data where the model is much worse than overall",
            "simple_model_better": "a trivial baseline model does as well as the model",
            "invariance_violation": "changing a feature that must not matter changes the output",
            "directional_violation": "an output moves against the expected direction",
            "minimum_functionality": "labelled cases the model must get right are wrong",
            "crash": "the model raises on a schema-valid input",
            "invalid_output": "wrong output shape, unknown classes or invalid probabilities",
            "nondeterminism": "the same input gives different outputs",
            "baseline_regression": "the model is worse than the previously deployed one",
            "unused_features": "features the model hardly uses",
        },
    ),
    **_table(
        "load",
        {
            "latency": "a latency percentile above its bound",
            "error_rate": "too many requests failed",
            "throughput": "fewer requests per second than required",
            "service_unavailable": "the service never came up or died during the run",
        },
    ),
    **_table(
        "any",
        {
            "check_error": "a check could not do its job (bad input, timeout, crash): never a pass",
        },
    ),
}

METRICS: dict[str, Term] = {
    **_table(
        "data",
        {
            "data.rows": "rows in the training set",
            "data.missing_ratio": "share of missing cells over all datasets",
            "data.duplicate_ratio": "share of duplicate rows in the training set",
            "data.drift_share": "share of features that drifted",
        },
    ),
    **_table(
        "model",
        {
            "model.accuracy": "accuracy on the test set",
            "model.f1_macro": "macro-averaged F1 on the test set",
            "model.roc_auc": "ROC AUC on the test set (one-vs-rest for multiclass)",
            "model.r2": "coefficient of determination on the test set",
            "model.mae": "mean absolute error on the test set",
            "model.rmse": "root mean squared error on the test set",
            "behaviour.cases": "generated and labelled cases the behaviour tests ran",
            "behaviour.failures": "behaviour properties that failed",
        },
    ),
    **_table(
        "load",
        {
            "load.requests": "requests sent during the measured period",
            "load.rps": "requests per second achieved",
            "load.error_rate": "share of failed requests",
            "load.p50_ms": "median response time in milliseconds",
            "load.p95_ms": "95th percentile response time in milliseconds",
            "load.p99_ms": "99th percentile response time in milliseconds",
        },
    ),
}

SUITES: tuple[str, ...] = ("data", "model", "load")
