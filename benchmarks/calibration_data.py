"""The data sets of the calibration benchmark: every one that ships with scikit-learn, and
generated ones designed to be hard (low-cardinality survey answers with a latent factor, many
features, many rows, categorical columns, a regression label); and real data sets that ship
inside statsmodels and linearmodels (surveys, panel data, data with one dominant honest
feature). Nothing is downloaded.

The real sets come in two groups. ``TUNING`` were looked at while the leakage and entity rules
were designed (the election survey with its dominant party identification, the RAND panel, two
firm and worker panels). ``HELD_OUT`` were not: the rules were fixed first, then these were
measured once. Columns computed from the label (a log of it, a ratio with it) are dropped, as
a team cleaning the data would; a real leak would not be "clean data"."""

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
    # repeated entities: split by this column (declared as [data].group), or by the feature
    # vector itself ("features": no id column, the entity is its measurements; not declared)
    group: str | None = None
    held_out: bool = False


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


def _statsmodels(name: str) -> pd.DataFrame:
    import statsmodels.api as sm

    frame: pd.DataFrame = getattr(sm.datasets, name).load_pandas().data
    return frame


def _linearmodels(name: str) -> pd.DataFrame:
    import importlib

    frame: pd.DataFrame = importlib.import_module(f"linearmodels.datasets.{name}").load()
    return frame


def anes96() -> DataSet:
    """American National Election Study 1996: party identification predicts the vote (power
    about 0.77) far better than the other answers (about 0.6)."""
    frame = _statsmodels("anes96").drop(columns=["logpopul"])  # log of another column
    return DataSet("anes96", frame.assign(vote=frame["vote"].astype(int)), "vote", "classification")


def randhie() -> DataSet:
    """RAND Health Insurance Experiment: 20,190 person-years, a person's features the same every
    year, no id column."""
    return DataSet("randhie", _statsmodels("randhie"), "mdvis", "regression", group="features")


def grunfeld() -> DataSet:
    return DataSet("grunfeld", _statsmodels("grunfeld"), "invest", "regression", group="firm")


def wage_panel() -> DataSet:
    """545 young men, 8 years each (Vella and Verbeek)."""
    return DataSet("wage_panel", _linearmodels("wage_panel"), "lwage", "regression", group="nr")


def fair() -> DataSet:
    """Redbook survey of 6,366 women, 1974: answers on few-valued scales."""
    frame = _statsmodels("fair")
    frame["had_affair"] = (frame.pop("affairs") > 0).astype(int)
    return DataSet("fair", frame, "had_affair", "classification", held_out=True)


def mroz() -> DataSet:
    """Married women's labour force participation, 1975 (hours, wages and family income
    include the outcome: dropped)."""
    frame = _linearmodels("mroz").drop(columns=["hours", "wage", "lwage", "repwage", "faminc"])
    return DataSet("mroz", frame, "inlf", "classification", held_out=True)


def card() -> DataSet:
    """Card's returns to schooling, 3,010 men (wage is the label before its log)."""
    frame = _linearmodels("card").drop(columns=["id", "wage"])
    return DataSet("card", frame, "lwage", "regression", held_out=True)


def birthweight() -> DataSet:
    """Birth weights and smoking, 1,388 births (the label in other units dropped; '.' marks a
    missing value, as Stata writes it)."""
    frame = _linearmodels("birthweight")
    frame.columns = [c.strip() for c in frame.columns]
    frame = frame.drop(columns=["lbwght", "bwghtlbs"]).replace(".", np.nan)
    frame = frame.apply(pd.to_numeric)
    return DataSet("birthweight", frame, "bwght", "regression", held_out=True)


def munnell() -> DataSet:
    """Public capital of 48 US states over 17 years."""
    frame = _linearmodels("munnell").drop(columns=["ST_ABB"])
    return DataSet("munnell", frame, "GSP", "regression", group="STATE", held_out=True)


def modechoice() -> DataSet:
    """Travel mode choice: 210 travellers, one row per mode each."""
    frame = _statsmodels("modechoice")
    frame["choice"] = frame["choice"].astype(int)
    return DataSet(
        "modechoice", frame, "choice", "classification", group="individual", held_out=True
    )


def star98() -> DataSet:
    """California school districts, 1998: the share of pupils above the national median."""
    frame = _statsmodels("star98")
    frame["above"] = frame["NABOVE"] / (frame["NABOVE"] + frame["NBELOW"])
    return DataSet(
        "star98", frame.drop(columns=["NABOVE", "NBELOW"]), "above", "regression", held_out=True
    )


def meps() -> DataSet:
    """Medical Expenditure Panel Survey: log drug expenditure of 10,391 people (the
    expenditure itself dropped)."""
    frame = _linearmodels("meps").drop(columns=["drugexp"])
    return DataSet("meps", frame, "ldrugexp", "regression", held_out=True)


def fertility() -> DataSet:
    """General Social Survey 1972-84: children per woman."""
    return DataSet("fertility", _linearmodels("fertility"), "kids", "regression", held_out=True)


def spector() -> DataSet:
    """Spector and Mazzeo's 32 students: a new teaching method and the grade."""
    frame = _statsmodels("spector")
    return DataSet(
        "spector",
        frame.assign(GRADE=frame["GRADE"].astype(int)),
        "GRADE",
        "classification",
        held_out=True,
    )


TUNING = (anes96, randhie, grunfeld, wage_panel)
HELD_OUT = (fair, mroz, card, birthweight, munnell, modechoice, star98, meps, fertility, spector)


def real_sets(*, held_out: bool | None = None) -> list[DataSet]:
    """The real data sets; ``held_out`` True or False for one group only."""
    chosen = {None: (*TUNING, *HELD_OUT), False: TUNING, True: HELD_OUT}[held_out]
    return [make() for make in chosen]


def all_sets(*, quick: bool = False, real: bool = True) -> list[DataSet]:
    generated = [survey(), wide(), categorical(), regression()]
    generated.append(large(rows=20_000 if quick else 120_000))
    return [*sklearn_sets(), *generated, *(real_sets() if real else [])]
