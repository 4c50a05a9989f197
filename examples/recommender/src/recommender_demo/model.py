"""The recommenders: ``recommend(users, k)`` takes a DataFrame with a ``user_id`` column and
returns one list of item ids per row, best first (what ``sekit check model`` asks of a ranking
model).

* :class:`Ease`: EASE (Steck 2019, "Embarrassingly shallow autoencoders for sparse data"), a
  linear item-to-item model with a closed-form solution: ``B = I - P / diag(P)`` with
  ``P = (XᵀX + λI)⁻¹`` over the films with enough ratings. A user's scores are their rated
  films' rows of ``B`` added up; the films they rated are left out.
* :class:`Popular`: the films rated most often, less the user's own. Users the model never saw
  get it from :class:`Ease` too (cold start). Alone it is the baseline a recommender must beat.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from recommender_demo.config import ITEM, USER


class Popular:
    """The most popular films a user has not rated."""

    def __init__(self, ratings: pd.DataFrame) -> None:
        counts = ratings[ITEM].value_counts(sort=False)
        order = sorted(counts.index, key=lambda item: (-int(counts[item]), int(item)))
        self.items_: list[int] = [int(item) for item in order]
        self.seen_: dict[int, set[int]] = {
            int(user): set(map(int, items)) for user, items in ratings.groupby(USER)[ITEM]
        }
        self.model_version_ = "popular"

    def for_user(self, user: int, k: int) -> list[int]:
        seen = self.seen_.get(user, set())
        return [item for item in self.items_[: k + len(seen)] if item not in seen][:k]

    def recommend(self, users: pd.DataFrame, k: int) -> list[list[int]]:
        return [self.for_user(int(user), k) for user in users[USER]]


class Ease:
    """EASE over the films rated at least ``min_ratings`` times; popular films for the rest."""

    def __init__(self, l2: float = 300.0, min_ratings: int = 10) -> None:
        self.l2 = l2
        self.min_ratings = min_ratings
        self.model_version_ = "untrained"

    def fit(self, ratings: pd.DataFrame) -> Ease:
        self.popular_ = Popular(ratings)
        counts = ratings[ITEM].value_counts()
        self.items_ = np.sort(counts[counts >= self.min_ratings].index.to_numpy(dtype="int64"))
        column = {int(item): j for j, item in enumerate(self.items_)}
        kept = ratings[ratings[ITEM].isin(column)]
        users = np.sort(ratings[USER].unique())
        self.row_ = {int(user): i for i, user in enumerate(users)}
        seen = np.zeros((len(users), len(self.items_)), dtype="float32")
        seen[kept[USER].map(self.row_).to_numpy(), kept[ITEM].map(column).to_numpy()] = 1.0
        gram = seen.T @ seen
        gram[np.diag_indices_from(gram)] += self.l2
        inverse = np.linalg.inv(gram)
        weights = -inverse / np.diag(inverse)
        weights[np.diag_indices_from(weights)] = 0.0
        self.weights_ = weights.astype("float32")
        self.seen_ = seen.astype(bool)
        return self

    def for_user(self, user: int, k: int) -> list[int]:
        row = self.row_.get(user)
        if row is None:  # never seen: the popular films
            return self.popular_.for_user(user, k)
        scores = self.seen_[row].astype("float32") @ self.weights_
        scores[self.seen_[row]] = -np.inf
        ranked = [int(self.items_[j]) for j in np.argsort(-scores, kind="stable")[:k]]
        rated = self.popular_.seen_.get(user, set())
        ranked = [item for item in ranked if item not in rated]
        if len(ranked) < k:  # too few films with enough ratings: fill with popular ones
            ranked += [i for i in self.popular_.for_user(user, 2 * k) if i not in ranked]
        return ranked[:k]

    def recommend(self, users: pd.DataFrame, k: int) -> list[list[int]]:
        return [self.for_user(int(user), k) for user in users[USER]]
