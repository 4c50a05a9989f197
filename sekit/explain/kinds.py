"""The texts of ``sekit explain`` for finding kinds: (why, investigate, fix, checked by)."""

from __future__ import annotations

KIND_TEXTS: dict[str, tuple[str, str, str, str]] = {
    # --- data ----------------------------------------------------------------------------------
    "missing_values": (
        "Models fail or silently impute on missing values, and a column that suddenly has gaps "
        "usually means an upstream source or join broke.",
        "Look at the rows in the finding's evidence: do they share a source, a date, a value of "
        "another column? Compare with the raw data before sanitize.",
        "Fix the source or the join; if gaps are legitimate, impute in the model pipeline and "
        "declare `nullable = true` for the column.",
        "data.missing_values; [data.columns.<name>].nullable; gate data.missing_ratio",
    ),
    "duplicate_rows": (
        "Duplicates overweight some examples, and when copies land in both train and test the "
        "test score is inflated.",
        "Check whether the duplicates are real repeated events or an ingest that ran twice or "
        "a join that multiplied rows.",
        "Deduplicate in the sanitize stage (before the split) or fix the ingest; keep genuine "
        "repeats only if the model should see them weighted.",
        "data.duplicates; [data.quality].max_duplicate_ratio; gate data.duplicate_ratio",
    ),
    "conflicting_labels": (
        "The same input with two labels caps the accuracy any model can reach and points to "
        "label noise or a missing feature.",
        "Inspect the groups in the evidence: is one label a data-entry error, or does a feature "
        "that would separate them not exist in the data?",
        "Fix or drop the wrong labels (a labelling guideline helps), or add the missing feature.",
        "data.conflicting_labels; [data.quality].max_conflicting_ratio",
    ),
    "mixed_types": (
        "A numeric column with text in it ('n/a', '12,5') is read as text: the model either "
        "crashes or treats numbers as categories.",
        "Look at the text examples in the evidence: units, decimal commas, placeholders for "
        "missing values?",
        "Parse the column in the sanitize stage (map placeholders to missing, fix decimal "
        "separators) and declare its type in [data.columns].",
        "data.mixed_types; data.schema",
    ),
    "out_of_range": (
        "Values outside physical or business limits are data errors or a changed unit; a model "
        "extrapolates on them without warning.",
        "Check the example rows and values: a unit change (cm vs m), a sentinel such as -1, or "
        "a genuinely new range?",
        "Fix the source or convert units in sanitize; if the range really changed, update min "
        "and max in [data.columns] deliberately and retrain.",
        "data.out_of_range; [data.columns.<name>].min/max",
    ),
    "unexpected_category": (
        "A category the model never saw is encoded as unknown or breaks the encoder: "
        "predictions for it are guesses.",
        "Which new values appear, and since when? Spelling variants, a new product, a renamed "
        "code?",
        "Map variants to known values in sanitize, or add the new value to `allowed` and "
        "collect training data for it.",
        "data.unexpected_category; [data.columns.<name>].allowed",
    ),
    "schema_mismatch": (
        "The pipeline and the service assume a schema; a missing or retyped column breaks them "
        "at the worst time, in production.",
        "Compare the columns and types of the datasets named in the finding with [data.columns].",
        "Fix the producer of the data, or update the schema and the code together in one change.",
        "data.schema; [data.columns]",
    ),
    "constant_column": (
        "A column with one value carries no information and often signals a broken feed.",
        "Did it always have one value, or did its source stop updating?",
        "Repair the feed, or drop the column (or list it in data.ignore).",
        "data.constant_columns",
    ),
    "label_leakage": (
        "Leakage inflates offline accuracy: the model learns from information it will not have "
        "when it predicts for real, so production quality falls far below the test score.",
        "For a feature: was it computed from the label or recorded after the outcome? For "
        "overlap: does the split happen after deduplication, and are train and test disjoint?",
        "Drop features not available at prediction time; split before any step that looks at "
        "all rows, deduplicate first, and split by group or time where rows are related.",
        "data.label_leakage; [data.leakage]",
    ),
    "drift": (
        "Drift silently degrades a deployed model: it keeps answering confidently on inputs "
        "unlike those it learned from.",
        "Which features drifted, between which datasets, by how much (the effect size)? Look "
        "at their distributions over time in the prediction log.",
        "Find the cause (a changed source, a new user group, seasonality); retrain on recent "
        "data, and monitor the served inputs with [data].production.",
        "data.drift; [data.drift]; gate data.drift_share",
    ),
    "label_drift": (
        "When the label's distribution differs between train and test (or changes over time), "
        "the test score does not describe the world the model meets.",
        "Was the split stratified? Did the share of classes change in recent data?",
        "Stratify the split; if the world changed, retrain and recalibrate the decision threshold.",
        "data.label_drift",
    ),
    "class_imbalance": (
        "With a rare class, accuracy looks high while the model ignores that class, which is "
        "usually the one that matters.",
        "Look at per-class precision and recall, not only accuracy.",
        "Report macro F1 and per-class metrics, use class weights or resampling, and choose "
        "the decision threshold on purpose.",
        "data.class_imbalance; [data.quality].min_class_ratio",
    ),
    "outliers": (
        "A few extreme values can dominate training (and some metrics) and often are data errors.",
        "Are the outlying rows plausible? Do they come from one source or period?",
        "Correct errors in sanitize; for genuine extremes use robust models or scaling; a "
        "share above 5% usually means a mixed unit.",
        "data.outliers; [data.quality].outlier_iqr",
    ),
    "string_mismatch": (
        "'Red', 'red ' and 'RED' become three categories: the model splits what is one signal "
        "and meets unknown spellings in production.",
        "See the variants and their counts in the evidence.",
        "Normalise case and whitespace in sanitize, and validate with `allowed`.",
        "data.string_mismatch",
    ),
    "correlated_features": (
        "Near-duplicate features add no information, make models harder to interpret and can "
        "make them unstable.",
        "Are the two features the same quantity in different units or a derived one?",
        "Keep one of them, or combine them; for linear models consider regularisation.",
        "data.correlated_features; [data.quality].max_correlation",
    ),
    # --- model ---------------------------------------------------------------------------------
    "performance": (
        "A metric below the requirement, or a large train/test gap (overfitting), means the "
        "model will not deliver what the specification promises.",
        "Compare training and test metrics, look at the weakest slices, and check the data "
        "checks first.",
        "More or better data, regularisation, simpler models; revisit the requirement with "
        "stakeholders if it is unrealistic.",
        "model.quality; gates model.*; docs/requirements.md",
    ),
    "weak_slice": (
        "An average can hide a group the model serves badly; that group's users feel the "
        "failure, and it is often a fairness problem.",
        "Look at the slices listed worst first: which feature values, how many rows?",
        "Collect more data for the slice, add features that explain it, or state the "
        "limitation in the model card.",
        "model.slices; [model].slice_max_drop",
    ),
    "simple_model_better": (
        "A complex model that does not beat a trivial or linear baseline costs complexity "
        "without benefit, or is broken.",
        "Compare with the constant guess and the linear model in the finding.",
        "Fix the pipeline if it is worse than guessing; otherwise prefer the simpler model or "
        "justify the complex one.",
        "model.simple_baseline",
    ),
    "invariance_violation": (
        "The prediction changes with something that must not matter (the clinic, a name's "
        "spelling): the model learned a shortcut that will fail or discriminate.",
        "The finding's example shows the row, the changed value and both outputs.",
        "Remove or neutralise the feature in the model pipeline, rebalance the data, and keep "
        "the property as a test.",
        'model.behaviour; [[behaviour]] kind = "invariance"',
    ),
    "directional_violation": (
        "The output moves against domain knowledge (more risk gives a lower score): users "
        "lose trust, and the model is likely fitting noise.",
        "The example shows the row, how much the feature was raised and both outputs.",
        "Add a monotonic constraint (gradient boosting's monotonic_cst), more data, or a "
        "simpler model in that region.",
        'model.behaviour; [[behaviour]] kind = "directional"',
    ),
    "minimum_functionality": (
        "Cases any competent model must get right are wrong: a basic capability is missing, "
        "whatever the average score says.",
        "Look at the wrong cases listed in the finding.",
        "Fix the data or features behind those cases; keep the cases as a regression test.",
        'model.behaviour; [[behaviour]] kind = "minimum"',
    ),
    "crash": (
        "A model that raises on valid input takes the service down with it (HTTP 500) for "
        "every user who sends such a value.",
        "The example is the minimal input that crashes, with the exception.",
        "Handle edge values in the model pipeline (missing, extremes), and validate inputs "
        "at the service boundary.",
        "model.behaviour (always on)",
    ),
    "invalid_output": (
        "Unknown classes, NaN scores or probabilities that do not sum to 1 break every "
        "consumer that trusts the output.",
        "The example shows the input and the invalid output.",
        "Fix post-processing and calibration; never edit probabilities by hand.",
        "model.behaviour (always on); model.quality",
    ),
    "nondeterminism": (
        "The same input must give the same answer, or nothing can be reproduced, debugged or "
        "audited.",
        "Look for randomness at prediction time: unseeded sampling, dropout left on, "
        "dependence on batch order.",
        "Seed or remove randomness at inference; predict each row independently of its batch.",
        "model.behaviour (always on)",
    ),
    "baseline_regression": (
        "Replacing the deployed model with a worse one degrades the product; gating on the "
        "previous model prevents that.",
        "Compare the two models' metrics on the same test set.",
        "Keep the deployed model, or fix the candidate; change the tolerance only on purpose.",
        "model.previous; [model].baseline, baseline_tolerance",
    ),
    "unused_features": (
        "Features the model hardly uses still cost collection, storage and validation, and may "
        "drift unnoticed.",
        "Check the feature importances in Deepchecks' report.",
        "Drop them from the pipeline, or find out why they carry no signal.",
        "model.deepchecks_evaluation",
    ),
    # --- load ----------------------------------------------------------------------------------
    "latency": (
        "Users feel the tail, not the mean: the 95th or 99th percentile decides whether the "
        "service feels slow, and queues make tails grow fast under load.",
        "Look at the per-second history in the report: is latency high from the start (slow "
        "code) or growing (a queue: too little capacity)?",
        "Profile one request; avoid blocking calls in async endpoints, load the model once, "
        "batch or cache; then add capacity.",
        "load.locust; [load].max_p95_ms or the gate load.p95_ms",
    ),
    "error_rate": (
        "Failed requests are failed users; a few percent of errors under load usually means "
        "timeouts or exhausted resources.",
        "Read the failure reasons in the finding and the service log (.sekit/service.log).",
        "Fix the errors the log shows; return 4xx for bad input, never 500.",
        "load.locust; [load].max_error_rate; gate load.error_rate",
    ),
    "throughput": (
        "If the service cannot serve the expected request rate, queues grow until requests "
        "time out.",
        "Compare the achieved rate with the required one and watch the latency history.",
        "Make each request cheaper, or run more workers or replicas.",
        "load.locust; [load].min_rps",
    ),
    "service_unavailable": (
        "A service that does not start or dies under load is an outage, whatever the model's "
        "accuracy.",
        "Read the last lines of .sekit/service.log that the finding shows.",
        "Fix the start-up error (missing model file, import error, port), or the crash under "
        "load (memory, unhandled exceptions).",
        "load.locust; [service]",
    ),
    # --- any -----------------------------------------------------------------------------------
    "check_error": (
        "A check that could not run tells you nothing, so it never counts as passed: "
        "deployment stays blocked until it runs.",
        "The message says why: unusable input (fix the file or config it names), a time limit, "
        "or a crash in sekit (rerun with --debug and report it).",
        "Fix the input or raise [checks].timeout; never disable the check to get a green build.",
        "every check; [checks].timeout",
    ),
}
