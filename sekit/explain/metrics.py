"""The texts of ``sekit explain`` for metrics: (why, investigate, fix, checked by)."""

from __future__ import annotations

_GATE = "gate it in [gates], e.g. "

METRIC_TEXTS: dict[str, tuple[str, str, str, str]] = {
    "data.rows": (
        "Too few rows and every metric is noise; a sudden drop means the ingest lost data.",
        "Compare with the previous run's report.",
        "Fix the ingest; gather more data.",
        _GATE + '"data.rows" = { min = 1000 }',
    ),
    "data.missing_ratio": (
        "The share of missing cells measures completeness across all datasets.",
        "See the missing_values findings per column.",
        "Fix the sources or impute on purpose.",
        _GATE + '"data.missing_ratio" = { max = 0.05 }',
    ),
    "data.duplicate_ratio": (
        "Duplicates in training overweight some rows and leak into test.",
        "See duplicate_rows.",
        "Deduplicate before the split.",
        _GATE + '"data.duplicate_ratio" = { max = 0.01 }',
    ),
    "data.drift_share": (
        "The share of drifted features summarises how far the served or test data moved from "
        "the training data.",
        "See the drift findings and effect sizes.",
        "Retrain on recent data; find the cause of the shift.",
        _GATE + '"data.drift_share" = { max = 0.1 }',
    ),
    "model.accuracy": (
        "The share of correct predictions; misleading with imbalanced classes.",
        "Check per-class results and model.f1_macro.",
        "See the model and data findings.",
        _GATE + '"model.accuracy" = { min = 0.85 }',
    ),
    "model.f1_macro": (
        "F1 averaged over classes weighs rare classes equally: a better single number than "
        "accuracy when classes are imbalanced.",
        "Look at per-class precision and recall.",
        "Class weights, resampling, threshold tuning.",
        _GATE + '"model.f1_macro" = { min = 0.8 }',
    ),
    "model.roc_auc": (
        "How well the scores rank positives above negatives, independent of a threshold.",
        "Plot the ROC curve; compare with the constant baseline (0.5).",
        "Better features or models; calibrate separately.",
        _GATE + '"model.roc_auc" = { min = 0.9 }',
    ),
    "model.r2": (
        "The share of the label's variance the model explains (0: no better than the mean).",
        "Compare with model.simple_baseline's linear score.",
        "Features, models, more data.",
        _GATE + '"model.r2" = { min = 0.5 }',
    ),
    "model.mae": (
        "The average absolute error, in the label's own units: easy to explain to users.",
        "Look at weak slices for where errors concentrate.",
        "Features, models, more data.",
        _GATE + '"model.mae" = { max = 50 }',
    ),
    "model.rmse": (
        "Like MAE but large errors weigh more: use it when big misses are costly.",
        "Compare with MAE: a large gap means a few big errors.",
        "Find and fix the big misses.",
        _GATE + '"model.rmse" = { max = 60 }',
    ),
    "behaviour.cases": (
        "How many generated and labelled rows the behaviour properties checked.",
        "A low number means few examples ran; see [model].examples.",
        "Raise [model].examples for a deeper search.",
        "informational; usually not gated",
    ),
    "behaviour.failures": (
        "The number of behaviour properties that failed (or could not be tested).",
        "See the invariance, directional, minimum, crash, invalid_output and nondeterminism "
        "findings.",
        "Fix the model's behaviour; keep the properties as tests.",
        _GATE + '"behaviour.failures" = { max = 0 }',
    ),
    "load.requests": (
        "Requests completed in the measured period (after the warm-up).",
        "Too few make the percentiles unreliable.",
        "Lengthen [load].duration.",
        "informational",
    ),
    "load.rps": (
        "Requests per second the service answered under the configured load.",
        "Compare with the expected peak traffic.",
        "Cheaper requests, more workers.",
        _GATE + '"load.rps" = { min = 50 }',
    ),
    "load.error_rate": (
        "The share of failed requests under load.",
        "See error_rate findings and the log.",
        "Fix what fails.",
        _GATE + '"load.error_rate" = { max = 0.01 }',
    ),
    "load.p50_ms": (
        "The median response time: what a typical request feels like.",
        "See the latency history.",
        "Make the request path cheaper.",
        _GATE + '"load.p50_ms" = { max = 50 }',
    ),
    "load.p95_ms": (
        "The time 95% of requests stay under: the tail users notice.",
        "See the latency history.",
        "Remove blocking work, add capacity.",
        _GATE + '"load.p95_ms" = { max = 200 }',
    ),
    "load.p99_ms": (
        "The 99th percentile: one request in a hundred is slower.",
        "Outliers often come from garbage collection, cold caches or queues.",
        "Remove blocking work, warm caches.",
        _GATE + '"load.p99_ms" = { max = 500 }',
    ),
}
