"""``model.ranking_behaviour``: what every list of a recommender must be, on every sampled test
user, and what it must do for users it has never seen.

The properties are checked exhaustively (every sampled user, every other value of an edited
profile column), not on generated examples: the space is the users and the catalogue, both in
hand, and a failing case is a user id the team can look up.

* **lists**: k items (fewer only when the catalogue, less what the user has seen, is shorter),
  no item twice, only items of the catalogue (``invalid_output``, fail);
* **seen items excluded** when ``[model.ranking].exclude_seen`` (``seen_items``, fail);
* **cold start**: users the training data never saw get a full valid list (``cold_start``, fail);
* **profile edits** (each ``[[behaviour]]`` invariance on a profile column): setting the column
  to each of its other values leaves every list as it was (``invariance_violation``, fail);
* **personalisation**: at least ``min_personalised`` of the users get a list that is not the
  popular one (``not_personalised``, fail), as CMU's project asks of a recommendation service.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sekit.checks.context import Context
from sekit.checks.findings import finding, outcome, percent, worst_summary
from sekit.checks.model.behaviour.kinds import INVALID_OUTPUT, INVARIANCE_VIOLATION
from sekit.checks.model.kinds import COLD_START, NOT_PERSONALISED
from sekit.checks.model.ranking.interactions import (
    Interactions,
    interactions_from_config,
    needs_interactions,
)
from sekit.checks.model.ranking.quality import evaluated_model
from sekit.checks.model.ranking.recommender import BadLists, Recommender, recommender_from_config
from sekit.checks.spec import CheckSpec, Kind, Metric
from sekit.config.ranking import Ranking
from sekit.config.schema import Invariance
from sekit.ranking import defects, personal, popular_items
from sekit.results import Finding, Outcome

if TYPE_CHECKING:
    import pandas as pd

COLD_USERS = 20  # unseen users asked for a list
EXAMPLES = 5


def expected_length(found: Interactions, user: str) -> int:
    """How many items a full list holds for this user."""
    seen = found.seen.get(user, set()) if found.settings.exclude_seen else set()
    return min(found.k, len(found.catalogue) - len(seen & set(found.catalogue)))


def check_ranking_behaviour(ctx: Context) -> Outcome:
    found = interactions_from_config(ctx)
    try:
        model = evaluated_model(ctx)
    except BadLists as exc:
        return outcome(
            [finding(INVALID_OUTPUT, "fail", str(exc))],
            f"cannot ask the recommender: {exc}",
        )
    recommender = recommender_from_config(ctx)
    catalogue = set(found.catalogue)
    findings: list[Finding] = []
    metrics: dict[str, float] = {}
    bad = [
        (user, problem)
        for user, ranked in zip(model.users, model.lists, strict=True)
        for problem in _list_problems(found, user, ranked, catalogue)
    ]
    metrics["invalid_lists"] = float(len({user for user, _ in bad}))
    if bad:
        findings.append(
            finding(
                INVALID_OUTPUT,
                "fail",
                f"{len({u for u, _ in bad})} of {len(model.users)} lists are not valid: "
                + "; ".join(f"user {u}: {p}" for u, p in bad[:EXAMPLES]),
                users=[u for u, _ in bad[:EXAMPLES]],
            )
        )
    if found.settings.exclude_seen:
        repeated = [
            (user, sorted(set(ranked) & found.seen.get(user, set()))[:3])
            for user, ranked in zip(model.users, model.lists, strict=True)
            if set(ranked) & found.seen.get(user, set())
        ]
        metrics["seen_recommended"] = float(len(repeated))
        if repeated:
            findings.append(
                finding(
                    SEEN_ITEMS,
                    "fail",
                    f"{len(repeated)} of {len(model.users)} lists recommend items the user "
                    "interacted with in the training data ([model.ranking].exclude_seen): "
                    + "; ".join(f"user {u}: {', '.join(items)}" for u, items in repeated[:3]),
                    users=[u for u, _ in repeated[:EXAMPLES]],
                )
            )
    findings += _cold_start(found, recommender, catalogue, metrics)
    findings += _profile_edits(ctx, found, recommender, model.users, model.lists, metrics)
    findings += _personalisation(found, model.lists, metrics)
    checked = len(model.users)
    return outcome(
        findings,
        worst_summary(
            findings,
            f"{checked} lists of {found.k} valid, {percent(metrics['personalised_share'])} "
            "personal; unseen users answered",
        ),
        metrics,
    )


def _list_problems(
    found: Interactions, user: str, ranked: list[str], catalogue: set[str]
) -> list[str]:
    problems = defects(ranked, found.k, catalogue)
    wanted = expected_length(found, user)
    if ranked and len(ranked) < wanted:
        problems.append(f"{len(ranked)} items, not {wanted}")
    return problems


def _cold_start(
    found: Interactions, recommender: Recommender, catalogue: set[str], metrics: dict[str, float]
) -> list[Finding]:
    """Users the model never saw must get a full valid list (the popular items will do)."""
    unseen = found.unseen_users(COLD_USERS)
    queries = _unseen_queries(found, unseen)
    try:
        lists = recommender.lists(queries, found.k)
    except BadLists as exc:
        metrics["cold_start_failures"] = float(len(unseen))
        return [
            finding(
                COLD_START,
                "fail",
                f"asked for {len(unseen)} users the training data never saw "
                f"(e.g. {unseen[0]!r}): {exc}",
                users=[str(u) for u in unseen[:EXAMPLES]],
            )
        ]
    wanted = min(found.k, len(found.catalogue))
    failed = [
        (user, defects(ranked, found.k, catalogue) or [f"{len(ranked)} items, not {wanted}"])
        for user, ranked in zip(unseen, lists, strict=True)
        if defects(ranked, found.k, catalogue) or len(ranked) < wanted
    ]
    metrics["cold_start_failures"] = float(len(failed))
    if not failed:
        return []
    return [
        finding(
            COLD_START,
            "fail",
            f"{len(failed)} of {len(unseen)} users the training data never saw got no full "
            "list: " + "; ".join(f"user {u}: {', '.join(p)}" for u, p in failed[:3]),
            users=[str(u) for u, _ in failed[:EXAMPLES]],
        )
    ]


def _unseen_queries(found: Interactions, unseen: list[object]) -> pd.DataFrame:
    """Unseen ids, each with the profile of a known user (valid values, an unknown person)."""
    import pandas as pd

    column = found.settings.user
    if found.users is None or not found.settings.profile:
        return pd.DataFrame({column: unseen})
    profiles = found.users[found.settings.profile].head(len(unseen)).reset_index(drop=True)
    profiles = pd.concat([profiles] * (len(unseen) // max(len(profiles), 1) + 1))
    frame = profiles.head(len(unseen)).reset_index(drop=True)
    frame.insert(0, column, unseen)
    return frame


def _profile_edits(
    ctx: Context,
    found: Interactions,
    recommender: Recommender,
    users: list[str],
    lists: list[list[str]],
    metrics: dict[str, float],
) -> list[Finding]:
    edits = [b for b in ctx.config.behaviour if isinstance(b, Invariance)]
    if not edits:
        return []
    queries = found.queries(users)
    findings = []
    changed_total = 0
    for edit in edits:
        column = edit.feature
        values = list(queries[column].dropna().unique())
        changed: list[tuple[str, object, object]] = []
        for value in values:
            edited = queries.copy()
            mask = edited[column] != value
            if not mask.any():
                continue
            edited.loc[mask, column] = value
            after = recommender.lists(edited[mask].reset_index(drop=True), found.k)
            before = [ranked for ranked, kept in zip(lists, mask, strict=True) if kept]
            moved = [
                (user, original, value)
                for user, original, old, new in zip(
                    [u for u, kept in zip(users, mask, strict=True) if kept],
                    queries.loc[mask, column],
                    before,
                    after,
                    strict=True,
                )
                if old != new
            ]
            changed += moved
        changed_total += len({u for u, _, _ in changed})
        if changed:
            name = edit.name or f"{column} does not change the list"
            examples = "; ".join(f"user {u}: {column} {a!r} -> {b!r}" for u, a, b in changed[:3])
            findings.append(
                finding(
                    INVARIANCE_VIOLATION,
                    "fail",
                    f"{name}: {len({u for u, _, _ in changed})} of {len(users)} users get "
                    f"another list when only {column} changes ({examples})",
                    column=column,
                    users=[u for u, _, _ in changed[:EXAMPLES]],
                )
            )
    metrics["profile_changes"] = float(changed_total)
    return findings


def _personalisation(
    found: Interactions, lists: list[list[str]], metrics: dict[str, float]
) -> list[Finding]:
    settings = found.settings
    common = set(popular_items(lists, found.k))
    share = sum(personal(r, common, settings.max_popular_overlap) for r in lists) / len(lists)
    metrics["personalised_share"] = share
    if share >= settings.min_personalised:
        return []
    return [
        finding(
            NOT_PERSONALISED,
            "fail",
            f"{percent(share)} of {len(lists)} users get a list of their own (at most "
            f"{percent(settings.max_popular_overlap)} of its items among the {found.k} "
            f"recommended most often); at least {percent(settings.min_personalised)} must",
            personalised_share=share,
            bound=settings.min_personalised,
        )
    ]


# --- declarations ----------------------------------------------------------------------

SEEN_ITEMS = Kind(
    "seen_items",
    "the recommender offers items the user already interacted with",
    (
        "A user who watched a film is offered it again: a wasted slot in a short list, and a "
        "sign the model does not know the user's history."
    ),
    "Look up the users in the finding in the training interactions.",
    "Remove the user's training items from the candidates before ranking.",
    trust="Checked on every sampled test user against the training data: a fact, not a guess.",
)
PERSONALISED = Metric(
    "model.personalised_share",
    "share of the test users whose list differs from the popular list",
    "The popular list is the k items the model recommends most often.",
    "Near 0: everyone gets (nearly) the same list.",
    "See not_personalised.",
    gate="min = 0.1",
)

RANKING_BEHAVIOUR_CHECK = CheckSpec(
    id="model.ranking_behaviour",
    title="every list valid, seen items excluded, unseen users answered, personalised",
    func=check_ranking_behaviour,
    emits="`invalid_output` (duplicates, wrong length, unknown items), `seen_items`, "
    "`cold_start`, `invariance_violation` (a profile edit moved a list), "
    "`not_personalised`, all fail",
    kinds=(SEEN_ITEMS, COLD_START, NOT_PERSONALISED, INVALID_OUTPUT, INVARIANCE_VIOLATION),
    metrics=(PERSONALISED,),
    requires=needs_interactions,
    section=("[model.ranking]", Ranking),
    settings=(
        "[model.ranking].exclude_seen",
        "[model.ranking].min_personalised",
        "[model.ranking].max_popular_overlap",
        "[[behaviour]] (invariance on profile columns)",
    ),
)
