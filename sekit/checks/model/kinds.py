"""Finding kinds of the model suite that its checks' helpers and figures emit or read too:
declared here, below all of them, so that none imports a check module for its kind. A kind
only its own check uses is declared beside that check.
"""

from __future__ import annotations

from sekit.checks.spec import Kind

UNFAIR_OUTCOME = Kind(
    "unfair_outcome",
    "the model's error or selection rate differs between groups of a protected attribute",
    (
        "A model accurate overall can fail one group of people: fewer correct answers, fewer "
        "positive decisions, more false alarms. In production that is harm and, in many "
        "domains, unlawful; averages hide it."
    ),
    (
        "Read the per-group metrics in the report (and the HTML's bars with their intervals); "
        "look at the group's rows in the training data: how many, how labelled."
    ),
    (
        "Collect more (and better-labelled) data for the group, reweight it in training, or "
        "post-process with per-group thresholds (fairlearn.postprocessing); never drop the "
        "attribute and hope."
    ),
    trust=(
        "Fails only when a group's gap to the rest of the rows reaches "
        "[model].max_fairness_gap and Fisher's exact test (Welch's t test for regression), "
        "Holm-corrected over attributes, rates and groups, is below [model].fairness_p_value; "
        "groups under [model].slice_min_size rows are not judged."
    ),
)
WEAK_SLICE = Kind(
    "weak_slice",
    "a slice of the data where the model is much worse than overall",
    (
        "An average can hide a group the model serves badly; that group's users feel the failure, "
        "and it is often a fairness problem."
    ),
    "Look at the slices listed worst first: which feature values, how many rows?",
    (
        "Collect more data for the slice, add features that explain it, or state the limitation in "
        "the model card."
    ),
    trust=(
        "A slice warns when it is worse than overall by [model].slice_max_drop and its whole "
        "confidence interval (Wilson for accuracy, t for MAE; Bonferroni-widened so that all "
        "slices together warn at most 5% of the time when none is worse) lies on the worse "
        "side of the overall score: a small slice never warns on its noise alone."
    ),
)
# the ranking checks' kinds the monitor reports from the served log too
COLD_START = Kind(
    "cold_start",
    "users the recommender never saw get an error or no full list",
    (
        "New users arrive every day; a service that fails or answers nothing for them loses "
        "them on the first visit (CMU's project: every request must get a list)."
    ),
    "Ask the model for a user id that is not in the training data.",
    "Answer unknown users with a fallback list: the most popular items, or items for the "
    "profile they gave.",
    trust="Twenty user ids the training data does not hold, asked once each.",
)
NOT_PERSONALISED = Kind(
    "not_personalised",
    "too few users get a list of their own",
    (
        "A recommendation service that gives (almost) everyone the popular list is a chart, "
        "not a recommender: CMU's project asks that at least 10% of the recommendations be "
        "personalised."
    ),
    "Compare a few users' lists with the items recommended most often.",
    "Rank by the user's own history or profile; do not fall back to the popular list for "
    "known users.",
    trust=(
        "A list is personal when at most [model.ranking].max_popular_overlap of its items are "
        "among the k items recommended most often; the share is over every sampled test user "
        "(served: every user in the log, with an exact binomial test against the bound)."
    ),
)
