"""Finding kinds of the release suite that other parts of sekit name too (the scaffold's
exercises): declared here, so that they need not import the check's module. A kind
only its own check uses is declared beside that check.
"""

from __future__ import annotations

from sekit.checks.spec import Kind

RELEASE_LATENCY = Kind(
    "release_latency",
    "the new model is slower than the deployed one under the same traffic",
    (
        "A model that is slower under load breaks the latency SLO once it takes all the "
        "traffic; a shadow or canary run shows it while the deployed model still serves."
    ),
    (
        "Compare p95_ms and deployed_p95_ms in the report; profile the new model's predict on "
        "one row (bigger ensembles, an extra feature step)."
    ),
    "Make the model cheaper (fewer trees, a smaller feature pipeline), or keep the deployed one.",
    trust=(
        "Fails when the p95 ratio is above [release].max_p95_ratio, the difference exceeds "
        "[release].latency_slack_ms and the bootstrap interval of the ratio lies above 1."
    ),
)
