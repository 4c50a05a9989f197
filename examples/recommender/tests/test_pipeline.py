"""The pipeline's stages on small data, and the split the trained model came from."""

from __future__ import annotations

import pandas as pd

from recommender_demo.sanitize import sanitize
from recommender_demo.split import split


def test_sanitize_keeps_the_last_rating_of_a_film_and_drops_impossible_ones() -> None:
    raw = pd.DataFrame(
        {
            "user_id": [1, 1, 1, 2],
            "item_id": [10, 10, 11, 10],
            "rating": [2.0, 4.5, 9.0, None],
            "timestamp": [1, 2, 3, 4],
        }
    )
    kept = sanitize(raw, 0.5, 5.0)
    assert kept[["user_id", "item_id", "rating"]].values.tolist() == [[1, 10, 4.5]]


def test_each_users_held_out_ratings_come_after_their_training_ones() -> None:
    ratings = pd.DataFrame(
        {
            "user_id": [1] * 5 + [2] * 5,
            "item_id": list(range(10)),
            "timestamp": [5, 1, 4, 2, 3, 10, 30, 20, 50, 40],
        }
    )
    earlier, later = split(ratings, 0.2)
    assert len(later) == 2 and len(earlier) == 8
    for user in (1, 2):
        assert (
            later.loc[later.user_id == user, "timestamp"].min()
            >= earlier.loc[earlier.user_id == user, "timestamp"].max()
        )


def test_the_split_on_disk_is_by_time(ratings) -> None:
    train, test = ratings
    last = train.groupby("user_id")["timestamp"].max()
    assert (test["timestamp"].to_numpy() >= test["user_id"].map(last).to_numpy()).all()
