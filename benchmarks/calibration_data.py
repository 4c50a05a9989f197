"""The data sets of the calibration benchmark: every one that ships with scikit-learn, and
generated ones designed to be hard (low-cardinality survey answers with a latent factor, many
features, many rows, categorical columns, a regression label). Nothing is downloaded."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class DataSet:
    name: str
    frame: pd.DataFrame
    label: str
    task: str  # classification | regression


def sklearn_sets() -> list[DataSet]:
    from sklearn import datasets

    found = []
    for name, loader in (
        ("iris", datasets.load_iris),
        ("wine", datasets.load_wine),
        ("breast_cancer", datasets.load_breast_cancer),
        ("digits", datasets.load_digits),
    ):
        frame = loader(as_frame=True).frame
        found.append(DataSet(name, frame, "target", "classification"))
    found.append(
        DataSet("diabetes", datasets.load_diabetes(as_frame=True).frame, "target", "regression")
    )
    linnerud = datasets.load_linnerud(as_frame=True)
    frame = pd.concat([linnerud.data, linnerud.target[["Weight"]]], axis=1)
    found.append(DataSet("linnerud", frame, "Weight", "regression"))
    return found


def survey(rows: int = 3000, seed: int = 1) -> DataSet:
    """Answers 1-5 to twelve questions, driven by one latent attitude: identical answer
    patterns from different people are common, as in real surveys."""
    rng = np.random.default_rng(seed)
    attitude = rng.normal(size=rows)
    frame = pd.DataFrame(
        {
            f"q{i + 1}": np.clip(
                np.rint(3 + 1.2 * attitude + rng.normal(scale=0.8, size=rows)), 1, 5
            ).astype(int)
            for i in range(12)
        }
    )
    frame["age_group"] = rng.choice(
        ["18-29", "30-44", "45-64", "65+"], size=rows, p=[0.2, 0.3, 0.35, 0.15]
    )
    frame["region"] = rng.choice(["north", "south", "east", "west"], size=rows)
    chance = 1 / (1 + np.exp(-(1.5 * attitude + rng.normal(scale=0.7, size=rows))))
    frame["will_buy"] = (rng.random(rows) < chance).astype(int)
    return DataSet("survey", frame, "will_buy", "classification")


def wide(rows: int = 2000, features: int = 120, seed: int = 2) -> DataSet:
    rng = np.random.default_rng(seed)
    base = rng.normal(size=(rows, 10))
    mix = rng.normal(size=(10, features))
    values = base @ mix / 3 + rng.normal(size=(rows, features))
    frame = pd.DataFrame(values, columns=[f"f{i:03d}" for i in range(features)])
    score = values[:, :5].sum(axis=1) + rng.normal(scale=2, size=rows)
    frame["label"] = (score > np.median(score)).astype(int)
    return DataSet("wide", frame, "label", "classification")


def large(rows: int = 120_000, seed: int = 3) -> DataSet:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "amount": rng.lognormal(3, 1, rows),
            "age": rng.integers(18, 90, rows),
            "tenure_months": rng.integers(0, 240, rows),
            "balance": rng.normal(1000, 400, rows),
            "visits": rng.poisson(3, rows),
            "channel": rng.choice(
                ["web", "app", "phone", "branch"], rows, p=[0.5, 0.3, 0.15, 0.05]
            ),
            "country": rng.choice([f"c{i}" for i in range(25)], rows),
            "score": rng.beta(2, 5, rows),
        }
    )
    logit = 0.02 * (frame["age"] - 50) + 0.8 * (frame["channel"] == "app") + 3 * frame["score"] - 1
    frame["churned"] = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(int)
    return DataSet("large", frame, "churned", "classification")


def categorical(rows: int = 5000, seed: int = 4) -> DataSet:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "colour": rng.choice(["red", "green", "blue"], rows, p=[0.5, 0.3, 0.2]),
            "size": rng.choice(["S", "M", "L", "XL"], rows),
            "brand": rng.choice(
                [f"brand{i}" for i in range(30)], rows, p=np.arange(30, 0, -1) / 465
            ),
            "store": rng.choice([f"store{i}" for i in range(12)], rows),
            "weekday": rng.choice(["mon", "tue", "wed", "thu", "fri", "sat", "sun"], rows),
            "price": rng.gamma(3, 10, rows),
        }
    )
    logit = (frame["colour"] == "red") * 1.0 + (frame["size"] == "XL") * 0.8 - 0.02 * frame["price"]
    frame["returned"] = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(int)
    return DataSet("categorical", frame, "returned", "classification")


def regression(rows: int = 3000, seed: int = 5) -> DataSet:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "rooms": rng.integers(1, 8, rows),
            "area": rng.normal(90, 30, rows).clip(20),
            "age": rng.integers(0, 100, rows),
            "distance_km": rng.exponential(8, rows),
            "district": rng.choice(["centre", "north", "south", "harbour", "hills"], rows),
        }
    )
    frame["price"] = (
        2000 * frame["area"]
        + 15000 * frame["rooms"]
        - 800 * frame["age"]
        - 3000 * frame["distance_km"]
        + rng.normal(0, 20000, rows)
    )
    return DataSet("regression", frame, "price", "regression")


def all_sets(*, quick: bool = False) -> list[DataSet]:
    generated = [survey(), wide(), categorical(), regression()]
    generated.append(large(rows=20_000 if quick else 120_000))
    return [*sklearn_sets(), *generated]
