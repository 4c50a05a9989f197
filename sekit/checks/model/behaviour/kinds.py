"""The finding kinds of behaviour tests: the model's contract (a crash, an invalid output,
nondeterminism) and the team's properties. Declared apart from ``model.behaviour`` because
its engine's parts emit them and the text and ranking behaviour checks emit them too.
"""

from __future__ import annotations

from sekit.checks.spec import Kind

INVARIANCE_VIOLATION = Kind(
    "invariance_violation",
    "changing a feature that must not matter changes the output",
    (
        "The prediction changes with something that must not matter (the clinic, a name's "
        "spelling): the model learned a shortcut that will fail or discriminate."
    ),
    "The finding's example shows the row, the changed value and both outputs.",
    (
        "Remove or neutralise the feature in the model pipeline, rebalance the data, and keep the "
        "property as a test."
    ),
)
DIRECTIONAL_VIOLATION = Kind(
    "directional_violation",
    "an output moves against the expected direction",
    (
        "The output moves against domain knowledge (more risk gives a lower score): users lose "
        "trust, and the model is likely fitting noise."
    ),
    "The example shows the row, how much the feature was raised and both outputs.",
    (
        "Add a monotonic constraint (gradient boosting's monotonic_cst), more data, or a simpler "
        "model in that region."
    ),
)
MINIMUM_FUNCTIONALITY = Kind(
    "minimum_functionality",
    "labelled cases the model must get right are wrong",
    (
        "Cases any competent model must get right are wrong: a basic capability is missing, "
        "whatever the average score says."
    ),
    "Look at the wrong cases listed in the finding.",
    "Fix the data or features behind those cases; keep the cases as a regression test.",
)
CRASH = Kind(
    "crash",
    "the model raises on a schema-valid input",
    (
        "A model that raises on valid input takes the service down with it (HTTP 500) for every "
        "user who sends such a value."
    ),
    "The example is the minimal input that crashes, with the exception.",
    (
        "Handle edge values in the model pipeline (missing, extremes), and validate inputs at the "
        "service boundary."
    ),
)
INVALID_OUTPUT = Kind(
    "invalid_output",
    "wrong output shape, unknown classes or invalid probabilities",
    (
        "Unknown classes, NaN scores or probabilities that do not sum to 1 break every consumer "
        "that trusts the output."
    ),
    "The example shows the input and the invalid output.",
    "Fix post-processing and calibration; never edit probabilities by hand.",
)
NONDETERMINISM = Kind(
    "nondeterminism",
    "the same input gives different outputs",
    (
        "The same input must give the same answer, or nothing can be reproduced, debugged or "
        "audited."
    ),
    (
        "Look for randomness at prediction time: unseeded sampling, dropout left on, dependence on "
        "batch order."
    ),
    "Seed or remove randomness at inference; predict each row independently of its batch.",
)
