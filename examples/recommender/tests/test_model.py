"""The recommenders on ratings small enough to reason about."""

from __future__ import annotations

import pandas as pd

from recommender_demo.model import Ease, Popular

RATINGS = pd.DataFrame(
    {
        "user_id": [1, 1, 1, 2, 2, 3, 3, 3, 4, 4],
        "item_id": [10, 11, 12, 10, 11, 10, 12, 13, 11, 12],
        "rating": [5.0] * 10,
        "timestamp": range(10),
    }
)


def asked(*users: int) -> pd.DataFrame:
    return pd.DataFrame({"user_id": list(users)})


def test_popular_films_come_first_and_rated_ones_never() -> None:
    popular = Popular(RATINGS)
    assert popular.recommend(asked(99), 3) == [[10, 11, 12]]  # 3 ratings each, then by id
    assert popular.recommend(asked(1), 3) == [[13]]  # user 1 rated 10, 11 and 12


def test_ease_never_recommends_what_the_user_rated_and_gives_k_films() -> None:
    model = Ease(l2=1.0, min_ratings=1).fit(RATINGS)
    lists = model.recommend(asked(1, 2, 3, 4), 2)
    for user, ranked in zip([1, 2, 3, 4], lists, strict=True):
        rated = set(RATINGS.loc[RATINGS.user_id == user, "item_id"])
        assert not rated & set(ranked)
        assert len(ranked) == len(set(ranked)) == min(2, 4 - len(rated))


def test_a_user_the_model_never_saw_gets_the_popular_films() -> None:
    model = Ease(l2=1.0, min_ratings=1).fit(RATINGS)
    assert model.recommend(asked(12345), 3) == Popular(RATINGS).recommend(asked(12345), 3)


def test_ease_learns_what_goes_together() -> None:
    # users who rated 20 also rated 21; a new fan of 20 should be offered 21 before 30
    together = pd.DataFrame(
        {
            "user_id": [1, 1, 2, 2, 3, 3, 4, 5, 5, 6],
            "item_id": [20, 21, 20, 21, 20, 21, 20, 30, 31, 30],
            "rating": [5.0] * 10,
            "timestamp": range(10),
        }
    )
    model = Ease(l2=0.5, min_ratings=1).fit(together)
    assert model.recommend(asked(4), 1) == [[21]]
