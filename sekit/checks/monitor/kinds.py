"""Finding kinds of the monitor suite that its checks' helpers and figures emit or read too:
declared here, below all of them, so that none imports a check module for its kind. A kind
only its own check uses is declared beside that check.
"""

from __future__ import annotations

from sekit.checks.spec import Kind

ACCURACY_DROP = Kind(
    "accuracy_drop",
    "the served predictions were less accurate than the bound, judged on the feedback labels",
    (
        "The test set describes the world as it was when the model was trained. The labels "
        "that come back from production say how the model does now: concept drift, a changed "
        "user group or a broken feature show here first, often with no input drift at all."
    ),
    (
        "Look at the window the finding names: what changed then (a release, a new data "
        "source, a season)? Compare `monitor.drift` for the same window, and the model "
        "version in the log."
    ),
    (
        "Retrain on recent labelled data (the scaffold's feedback export feeds `dvc repro`), "
        "or roll back if a release caused it; keep the bound."
    ),
    trust=(
        "With no bound set: each window against the first day's windows (Fisher's exact test; "
        "regression: Mann-Whitney U on the absolute errors), Holm over the windows, and a drop of "
        "at least [monitor].max_accuracy_drop (5 points). With a bound, also a one-sided exact "
        "binomial test against [monitor].min_accuracy (regression: a t-test against "
        "[monitor].max_mae). Measured on simulated weeks: docs/explanation/trust.md."
    ),
)
