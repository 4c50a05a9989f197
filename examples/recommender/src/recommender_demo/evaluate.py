"""Evaluate: precision, recall, NDCG and hit rate at k on each user's held-out ratings (a
rating of ``min_rating`` or more is a film the user liked), for the model and for the most
popular films: the model is only worth serving if it beats them."""

from __future__ import annotations

import json
import math

import joblib
import pandas as pd

from recommender_demo.config import ITEM, RATING, USER, metrics, model, params, test, train
from recommender_demo.model import Popular


def measures(ranked: list[int], liked: set[int], k: int) -> dict[str, float]:
    hits = [rank for rank, item in enumerate(ranked[:k], start=1) if item in liked]
    ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(k, len(liked)) + 1))
    return {
        "precision": len(hits) / k,
        "recall": len(hits) / len(liked),
        "ndcg": sum(1 / math.log2(rank + 1) for rank in hits) / ideal,
        "hit_rate": float(bool(hits)),
    }


def evaluate(
    recommender, earlier: pd.DataFrame, later: pd.DataFrame, k: int, min_rating: float
) -> dict[str, float]:
    seen = earlier.groupby(USER)[ITEM].apply(set).to_dict()
    liked = later[later[RATING] >= min_rating].groupby(USER)[ITEM].apply(set).to_dict()
    liked = {u: items - seen.get(u, set()) for u, items in liked.items()}
    users = sorted(u for u, items in liked.items() if items)
    lists = recommender.recommend(pd.DataFrame({USER: users}), k)
    rows = [measures(list(ranked), liked[u], k) for u, ranked in zip(users, lists, strict=True)]
    return {name: sum(r[name] for r in rows) / len(rows) for name in rows[0]} | {
        "users": float(len(users))
    }


def main() -> None:
    settings = params("evaluate")
    k, low = int(settings["k"]), float(settings["min_rating"])
    earlier, later = pd.read_csv(train()), pd.read_csv(test())
    found = {
        "model": evaluate(joblib.load(model()), earlier, later, k, low),
        "popular": evaluate(Popular(earlier), earlier, later, k, low),
    }
    metrics().parent.mkdir(parents=True, exist_ok=True)
    metrics().write_text(json.dumps(found, indent=2) + "\n")
    for name, values in found.items():
        print(
            f"{name:8} " + ", ".join(f"{m}@{k} {v:.4f}" for m, v in values.items() if m != "users")
        )


if __name__ == "__main__":
    main()
