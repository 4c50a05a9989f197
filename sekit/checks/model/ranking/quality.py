"""``model.ranking``: precision@k, recall@k, NDCG@k and hit rate@k against the held-out
interactions, and whether the split lets the model see the users' future;
``model.ranking_baseline``: the recommender against the most popular items and random ones.

Both ask the same test users (:meth:`Interactions.sample`) and score each user's list on its
own, so that the model and a baseline are compared user by user. The model is credibly better
when both the paired bootstrap of the mean per-user NDCG (:func:`sekit.stats.paired_bootstrap`)
and the exact sign test over the users whose NDCG differs (:func:`sekit.stats.sign_test`) say
so: the bootstrap alone took the most popular items in another order of ties, a gain for five
users of 656 and a loss for none, for a credible gain (2 of 40 MovieLens worlds). A recommender
that is not credibly better is ``simple_model_better`` (fail): it costs a model, a pipeline and
a service to do what a sorted count does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sekit.checks.context import Context
from sekit.checks.findings import finding, outcome, percent, worst_summary
from sekit.checks.model.baselines import SIMPLE_MODEL_BETTER
from sekit.checks.model.behaviour.kinds import INVALID_OUTPUT
from sekit.checks.model.ranking.interactions import (
    Interactions,
    interactions_from_config,
    needs_interactions,
    temporal_overlap,
)
from sekit.checks.model.ranking.recommender import (
    BadLists,
    Recommender,
    popular,
    random_items,
    recommender_from_config,
)
from sekit.checks.spec import CheckSpec, Kind, Metric, MltsClaim
from sekit.config.ranking import Ranking
from sekit.ranking import scores
from sekit.results import Finding, Outcome

if TYPE_CHECKING:
    import numpy as np

MEASURES = ("precision", "recall", "ndcg", "hit")


@dataclass(frozen=True)
class Evaluated:
    """Per-user measures of one recommender on the sampled test users."""

    users: list[str]
    lists: list[list[str]]
    values: dict[str, np.ndarray]  # measure -> one value per user

    def mean(self, measure: str) -> float:
        return float(self.values[measure].mean()) if len(self.users) else 0.0


def evaluate(recommender: Recommender, found: Interactions, users: list[str]) -> Evaluated:
    """Ask ``recommender`` for the users' lists and measure each against their relevant items."""
    import numpy as np

    k = found.k
    lists = recommender.lists(found.queries(users), k)
    measured = [
        scores(ranked, found.relevant.get(user, set()), k)
        for user, ranked in zip(users, lists, strict=True)
    ]
    values = {m: np.asarray([getattr(s, m) for s in measured], dtype="float64") for m in MEASURES}
    return Evaluated(users, lists, values)


def evaluated_model(ctx: Context) -> Evaluated:
    """The configured recommender on the sampled test users (once per run)."""

    def made() -> Evaluated:
        found = interactions_from_config(ctx)
        return evaluate(recommender_from_config(ctx), found, found.sample(ctx.options.seed))

    return ctx.shared("model.ranking.evaluated", made)


def _names(k: int) -> dict[str, str]:
    return {
        "precision": f"precision@{k}",
        "recall": f"recall@{k}",
        "ndcg": f"NDCG@{k}",
        "hit": f"hit rate@{k}",
    }


def check_ranking(ctx: Context) -> Outcome:
    found = interactions_from_config(ctx)
    try:
        model = evaluated_model(ctx)
    except BadLists as exc:
        return outcome(
            [finding(INVALID_OUTPUT, "fail", str(exc))],
            f"cannot score the recommender: {exc}",
        )
    if not model.users:
        return Outcome.error(
            message=f"no test user has a relevant item in {found.source}: nothing to score",
            cause="input",
        )
    k = found.k
    metrics: dict[str, float] = {
        "precision_at_k": model.mean("precision"),
        "recall_at_k": model.mean("recall"),
        "ndcg_at_k": model.mean("ndcg"),
        "hit_rate_at_k": model.mean("hit"),
        "ranking_users": float(len(model.users)),
    }
    recommended = {item for ranked in model.lists for item in ranked}
    metrics["catalogue_coverage"] = len(recommended & set(found.catalogue)) / max(
        len(found.catalogue), 1
    )
    findings: list[Finding] = []
    if found.settings.timestamp is not None:
        earlier, compared = temporal_overlap(found)
        metrics["temporal_overlap"] = earlier / compared if compared else 0.0
        if earlier:
            findings.append(
                finding(
                    TEMPORAL_LEAKAGE,
                    "fail",
                    f"{earlier} of {compared} test interactions ({percent(earlier / compared)}) "
                    "happened before the same user's last training interaction: the model was "
                    "trained on the users' future; split by time",
                    column=found.settings.timestamp,
                    test_rows=earlier,
                    compared=compared,
                )
            )
    names = _names(k)
    shown = ", ".join(f"{names[m]} {model.mean(m):.3f}" for m in MEASURES)
    return outcome(
        findings,
        worst_summary(findings, f"{shown} over {len(model.users)} test users"),
        metrics,
    )


def check_ranking_baseline(ctx: Context) -> Outcome:
    """The recommender must beat the most popular items, and random ones, credibly."""
    from sekit import stats

    found = interactions_from_config(ctx)
    try:
        model = evaluated_model(ctx)
    except BadLists as exc:
        return outcome(
            [finding(INVALID_OUTPUT, "fail", str(exc))],
            f"cannot compare the recommender: {exc}",
        )
    settings = found.settings
    baselines = {
        "popular": popular(found.catalogue, found.seen, settings.exclude_seen),
        "random": random_items(
            found.catalogue, found.seen, settings.exclude_seen, ctx.options.seed
        ),
    }
    findings: list[Finding] = []
    metrics: dict[str, float] = {}
    ndcg = f"NDCG@{found.k}"
    for name, baseline in baselines.items():
        other = evaluate(baseline, found, model.users)
        gain, low, high, p_mean = stats.paired_bootstrap(
            model.values["ndcg"], other.values["ndcg"], seed=ctx.options.seed
        )
        p_users, won, lost = stats.sign_test(model.values["ndcg"], other.values["ndcg"])
        p_value = max(p_mean, p_users)
        metrics[f"{name}_ndcg_at_k"] = other.mean("ndcg")
        metrics[f"{name}_hit_rate_at_k"] = other.mean("hit")
        metrics[f"{name}_gain"] = gain
        if p_value >= settings.p_value:
            how = (
                "does no better"
                if gain <= 0
                else f"is better by {gain:.4f} but not credibly (p = {p_value:.2g})"
            )
            findings.append(
                finding(
                    SIMPLE_MODEL_BETTER,
                    "fail",
                    f"the {baseline.name} items score {ndcg} {other.mean('ndcg'):.4f}, the "
                    f"model {model.mean('ndcg'):.4f}: the model {how} over {len(model.users)} "
                    f"test users (paired bootstrap, 95% [{low:.4f}, {high:.4f}]; better for "
                    f"{won}, worse for {lost})",
                    baseline=name,
                    baseline_score=other.mean("ndcg"),
                    model_score=model.mean("ndcg"),
                    p_value=p_value,
                    users_better=won,
                    users_worse=lost,
                )
            )
    metrics["simple_model_gain"] = min(metrics["popular_gain"], metrics["random_gain"])
    return outcome(
        findings,
        worst_summary(
            findings,
            f"beats the most popular and random items ({ndcg} {model.mean('ndcg'):.4f} vs "
            f"{metrics['popular_ndcg_at_k']:.4f} and {metrics['random_ndcg_at_k']:.4f}, "
            f"{len(model.users)} test users)",
        ),
        metrics,
    )


# --- declarations ----------------------------------------------------------------------

TEMPORAL_LEAKAGE = Kind(
    "temporal_leakage",
    "held-out interactions that happened before the user's training ones",
    (
        "A recommender is used on the future: evaluated on interactions older than what it "
        "was trained on, it is scored on knowing what the user did next, and the offline "
        "numbers promise more than the service will deliver."
    ),
    "Compare each test interaction's time with the same user's last training interaction.",
    "Split by time: train on everything before a date, test on what came after.",
    trust="A fact of the data (declared [model.ranking].timestamp), not a statistical guess.",
)
_PER_USER = "Mean over the sampled test users of each user's list against their relevant items."
PRECISION = Metric(
    "model.precision_at_k",
    "precision@k: the share of the k recommended items the user interacted with later",
    _PER_USER,
    "Compare with model.popular_ndcg_at_k: popularity alone often scores well.",
    "Better candidates (more interactions, item features), a better scoring model.",
    gate="min = 0.05",
)
RECALL = Metric(
    "model.recall_at_k",
    "recall@k: the share of the user's later interactions that the k items found",
    _PER_USER,
    "Users with many relevant items pull it down: look at hit rate too.",
    "As for precision@k.",
    gate="min = 0.05",
)
NDCG = Metric(
    "model.ndcg_at_k",
    "NDCG@k: hits weighted by their rank, 1 when the relevant items come first",
    _PER_USER + " The score the baselines are compared on.",
    "Look at model.ranking_baseline: is the model credibly above the most popular items?",
    "As for precision@k; rank the hits higher.",
    gate="min = 0.05",
)
HIT_RATE = Metric(
    "model.hit_rate_at_k",
    "hit rate@k: the share of users with at least one hit among the k items",
    _PER_USER,
    "The share of users who would have found something they wanted in the list.",
    "As for precision@k.",
    gate="min = 0.3",
)
COVERAGE = Metric(
    "model.catalogue_coverage",
    "the share of the catalogue that appears in some user's list",
    "A recommender that only ever shows a few items narrows what users can find.",
    "Compare with the most popular items' coverage (k items).",
    "Diversify the candidates; penalise popularity in the score.",
)
GAIN = Metric(
    "model.popular_gain",
    "the model's mean NDCG@k minus the most popular items' on the same users",
    "Above 0, credibly, is what a recommender is for.",
    "Read model.ranking_baseline's interval.",
    "See simple_model_better.",
    gate="min = 0.01",
)

RANKING_CHECK = CheckSpec(
    id="model.ranking",
    title="ranking quality on held-out interactions (precision, recall, NDCG, hit rate @k)",
    func=check_ranking,
    emits="precision@k, recall@k, NDCG@k, hit rate@k and catalogue coverage; "
    "`temporal_leakage` (fail) when test interactions precede the user's training ones; "
    "`invalid_output` (fail) when the model does not answer one list per user",
    kinds=(TEMPORAL_LEAKAGE, INVALID_OUTPUT),
    metrics=(PRECISION, RECALL, NDCG, HIT_RATE, COVERAGE),
    requires=needs_interactions,
    mlts=(
        MltsClaim(
            "infra-4",
            "'test that the model quality is acceptable' before serving it (ranking "
            "measures on held-out interactions)",
        ),
    ),
    section=("[model.ranking]", Ranking),
    settings=("[data].train", "[data].test", "[model].task", "[model.ranking]"),
)

RANKING_BASELINE_CHECK = CheckSpec(
    id="model.ranking_baseline",
    title="beats the most popular and random items",
    func=check_ranking_baseline,
    emits="`simple_model_better` (fail): the model's NDCG@k is not credibly above the most "
    "popular items' or random items' (paired bootstrap of the mean and exact sign test over "
    "the test users)",
    kinds=(SIMPLE_MODEL_BETTER,),
    metrics=(GAIN,),
    requires=needs_interactions,
    mlts=(
        MltsClaim(
            "model-5",
            "'regularly testing against a very simple baseline model' (the most popular items)",
        ),
    ),
    section=("[model.ranking]", Ranking),
    settings=("[model.ranking].p_value", "[model.ranking].exclude_seen"),
)
