"""``[model.ranking]``: a recommender (``[model].task = "ranking"``) and how its lists are judged.

A ranking model answers, for each user, a list of at most ``k`` items, best first. Its data are
interactions: ``[data].train`` and ``[data].test`` are tables with one row per (user, item)
event, the test rows later in time (held out). Nothing is a label: an item the user interacted
with in the test period is a relevant item, or only those whose ``relevance`` column reaches
``min_relevance`` (a rating of 4 or more).

The model is an object with ``recommend(users, k)``: ``users`` is a pandas DataFrame with one
row per user asked about (the ``user`` column and the ``profile`` columns, read from ``users``),
and it returns one sequence of item ids per row, best first (:mod:`sekit.checks.model.ranking`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Self

from pydantic import Field, model_validator

from sekit.config.values import ProjectPath, Section


class Ranking(Section):
    """``[model.ranking]``: the interactions' columns, the list length, and the bounds that judge
    a recommender."""

    user: str = Field("user_id", min_length=1, description="the interactions' user column")
    item: str = Field("item_id", min_length=1, description="the interactions' item column")
    timestamp: str | None = Field(
        None,
        min_length=1,
        description="the interactions' time column: every test interaction must be later than "
        "the user's training ones (a temporal split), else the evaluation sees the future",
    )
    relevance: str | None = Field(
        None,
        min_length=1,
        description="a column of how much the user liked the item (a rating); with "
        "min_relevance, only interactions that reach it are relevant",
    )
    min_relevance: float | None = Field(
        None, description="a test interaction is relevant from this relevance on"
    )
    k: int = Field(10, ge=1, le=1000, description="the length of a list (CMU's service: 20)")
    exclude_seen: bool = Field(
        True,
        description="items the user interacted with in the training data must not be "
        "recommended again (and do not count as relevant in the test period)",
    )
    users: ProjectPath | None = Field(
        None,
        description="a table of users (csv, parquet or jsonl) with the user column and the "
        "profile columns the model takes",
    )
    profile: list[str] = Field(
        default_factory=list,
        description="the users' columns the model receives beside the user (age, occupation); "
        "an invariance [[behaviour]] on one says editing it must not change the list",
    )
    max_users: int = Field(
        2000,
        ge=30,
        le=1_000_000,
        description="judge at most this many test users (a seeded random sample)",
    )
    p_value: float = Field(
        0.01,
        gt=0,
        lt=1,
        description="the model beats a baseline when the paired bootstrap over the test users "
        "(its mean NDCG@k is higher) and the exact sign test (more users' NDCG@k is higher "
        "than lower) both say so, one-sided, below this",
    )
    min_personalised: float = Field(
        0.1,
        ge=0,
        le=1,
        description="share of users whose list must differ from the popular list (CMU: 10%)",
    )
    max_popular_overlap: float = Field(
        0.5,
        ge=0,
        lt=1,
        description="a list differs from the popular list (the k items recommended most often) "
        "when at most this share of its items are in it",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (self.min_relevance is None) != (self.relevance is None):
            raise ValueError("relevance and min_relevance go together: set both or neither")
        named = [self.user, self.item, self.timestamp, self.relevance]
        columns = [c for c in named if c is not None]
        if len(set(columns)) != len(columns):
            raise ValueError("user, item, timestamp and relevance must be different columns")
        clash = [c for c in self.profile if c in columns]
        if clash:
            raise ValueError(f"profile column {clash[0]!r} is also user, item or timestamp")
        if self.profile and self.users is None:
            raise ValueError("profile columns are read from users: name the users table")
        return self


def check_behaviours(ranking: Ranking, behaviours: Sequence[Any]) -> None:
    """A recommender's ``[[behaviour]]`` can only say which profile edits must not change its
    lists (its own properties run without configuration: ``model.ranking_behaviour``)."""
    from sekit.config.behaviour import Invariance

    for index, item in enumerate(behaviours):
        if not isinstance(item, Invariance):
            raise ValueError(
                f"behaviour[{index}]: a ranking model takes invariance properties only "
                f"(kind {item.kind!r} is for classification and regression)"
            )
        if item.feature not in ranking.profile:
            raise ValueError(
                f"behaviour[{index}]: {item.feature!r} is not a profile column of "
                "[model.ranking] (profile = [...]): only what the model receives can be edited"
            )
