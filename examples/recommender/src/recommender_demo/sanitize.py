"""Sanitize: the interactions alone (user, film, rating, time: the films' titles and genres are
not what the model learns from), one rating per user and film (the latest), on the scale."""

from __future__ import annotations

import pandas as pd

from recommender_demo.config import ITEM, RATING, TIME, USER, clean, params, raw


def sanitize(ratings: pd.DataFrame, low: float, high: float) -> pd.DataFrame:
    kept = ratings[[USER, ITEM, RATING, TIME]].dropna()
    kept = kept[kept[RATING].between(low, high)]
    kept = kept.sort_values([USER, TIME, ITEM], kind="stable")
    kept = kept.drop_duplicates([USER, ITEM], keep="last")  # a re-rating replaces the first
    return kept.astype({USER: "int64", ITEM: "int64", TIME: "int64"}).reset_index(drop=True)


def main() -> None:
    settings = params("sanitize")
    ratings = pd.read_csv(raw())
    kept = sanitize(ratings, float(settings["min_rating"]), float(settings["max_rating"]))
    clean().parent.mkdir(parents=True, exist_ok=True)
    kept.to_csv(clean(), index=False)
    print(f"kept {len(kept)} of {len(ratings)} ratings")


if __name__ == "__main__":
    main()
