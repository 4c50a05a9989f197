"""Which sekit checks automate which ML Test Score test, and why (the paper's own wording).

A check counts for a test only when it ended ``pass`` in the ``sekit gate`` that
``sekit grade --run`` ran. Each row quotes the test's description in Breck et al. (2017); a test
with no row here is automated only by the team's own tagged tests. ``docs/ml-test-score.md``
shows this table (a test keeps it in step).
"""

from __future__ import annotations

# test id -> (checks, that all must pass; the paper's wording that justifies the mapping)
MAPPING: dict[str, tuple[tuple[str, ...], str]] = {
    "data-1": (
        ("data.schema", "data.missing_values", "data.out_of_range", "data.unexpected_category"),
        "'encode [feature expectations] in a schema ... and test that the data meets it'",
    ),
    "data-2": (
        ("data.constant_columns", "data.correlated_features"),
        "'methods include computing correlation coefficients' between features: a constant "
        "feature or one that duplicates another adds nothing",
    ),
    "model-5": (
        ("model.simple_baseline",),
        "'regularly testing against a very simple baseline model, such as a linear model'",
    ),
    "model-6": (
        ("model.slices",),
        "'slice a data set along certain dimensions of interest ... and measure quality on each'",
    ),
    "infra-4": (
        ("model.quality", "model.previous"),
        "'test that the model quality is acceptable ... against a previous version' before "
        "serving it",
    ),
    "monitor-3": (
        ("data.drift",),
        "'training/serving skew': compare the distribution of features at training and at "
        "serving time (sekit compares train with the prediction log)",
    ),
    "monitor-6": (
        ("load.locust",),
        "'regressions in ... serving latency, throughput': measured under load and gated",
    ),
}

# A test whose checks say something only when a metric shows they saw the right data.
REQUIRES: dict[str, str] = {"monitor-3": "data.production_rows"}

SEKIT_CHECKS: dict[str, tuple[str, ...]] = {test: checks for test, (checks, _) in MAPPING.items()}
