"""Split by time: each user's last ratings are held out for the evaluation.

A random split would let the model learn from what a user did after the interactions it is
evaluated on; ``sekit check model`` reports such a split as ``temporal_leakage``.
"""

from __future__ import annotations

import math

import pandas as pd

from recommender_demo.config import ITEM, TIME, USER, clean, params, test, train


def split(ratings: pd.DataFrame, test_share: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    ordered = ratings.sort_values([USER, TIME, ITEM], kind="stable")
    rank = ordered.groupby(USER).cumcount()
    size = ordered.groupby(USER)[ITEM].transform("size")
    held = rank >= (size * (1 - test_share)).map(math.ceil)
    return ordered[~held].reset_index(drop=True), ordered[held].reset_index(drop=True)


def main() -> None:
    settings = params("split")
    earlier, later = split(pd.read_csv(clean()), float(settings["test_share"]))
    train().parent.mkdir(parents=True, exist_ok=True)
    earlier.to_csv(train(), index=False)
    later.to_csv(test(), index=False)
    print(
        f"train {len(earlier)} ratings, test {len(later)} (each user's last "
        f"{settings['test_share']:.0%})"
    )


if __name__ == "__main__":
    main()
