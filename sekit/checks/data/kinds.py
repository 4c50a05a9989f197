"""Finding kinds of the data suite that its checks' helpers and figures emit or read too:
declared here, below all of them, so that none imports a check module for its kind. A kind
only its own check uses is declared beside that check.
"""

from __future__ import annotations

from sekit.checks.data import measured
from sekit.checks.spec import Kind

DRIFT = Kind(
    "drift",
    "a feature distributed differently between train and test or production",
    (
        "Drift silently degrades a deployed model: it keeps answering confidently on inputs unlike "
        "those it learned from."
    ),
    (
        "Which features drifted, between which datasets, by how much (the effect size)? Look at "
        "their distributions over time in the prediction log."
    ),
    (
        "Find the cause (a changed source, a new user group, seasonality); retrain on recent data, "
        "and monitor the served inputs with [data].production."
    ),
    trust=(
        "On clean random splits a run reports drift at most 0.5% of the time (Benjamini-Hochberg "
        "over every feature and dataset pair, plus an effect-size floor); a shift of half a "
        "standard deviation in a feature is found on data sets of a few hundred rows and up, a "
        "tenth of one only on large ones. Measured: docs/explanation/trust.md."
    ),
)
LABEL_LEAKAGE = Kind(
    "label_leakage",
    "a feature that gives the label away, or test rows seen in training",
    (
        "Leakage inflates offline accuracy: the model learns from information it will not "
        "have when "
        "it predicts for real, so production quality falls far below the test score."
    ),
    (
        "For a feature: was it computed from the label or recorded after the outcome? For overlap: "
        "does the split happen after deduplication, and are train and test disjoint?"
    ),
    (
        "Drop features not available at prediction time; split before any step that looks at all "
        "rows, deduplicate first, and split by group or time where rows are related."
    ),
    trust=measured.trust(
        "near_perfect_feature",
        "Blocks only on what is certain: the label in disguise (a transform, a recoding, a "
        "threshold, or two columns adding up to it, learned on train and holding on at least "
        "99% of the test rows within the columns' precision), test rows seen in training "
        "beyond 1,999 random re-splits of the pooled rows, compared whole with their label "
        "(above [data.leakage].max_overlap; p < 0.001, or p < 0.1 counting only rows that hold "
        "a value no other record holds, or every row where no two records share their "
        "features, and p < 0.05 only rows no other record comes within one column of, which a "
        "clean source seldom holds twice; p < 0.01 where the source is seen to hold such "
        "twins), "
        "a predictive feature absent from the served inputs. A strong feature, near-perfect "
        "or not, warns (penguin species from bill length and island), as do overlap that only "
        "a model of chance calls copies, an identifier that predicts the label and a feature "
        "missing among the newest rows.",
    ),
)
