"""The label in disguise (``sekit/checks/data/disguise.py``): what blocks because it is certain,
and what does not look like it although it is strong or coarse.

Fault cases are data: each adds the label in another form to a real data set (scikit-learn's
diabetes progression for a number, breast cancer for a class) and names the columns that must
be reported; each honest case must not be.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import train_test_split

import sekit.data

Add = Callable[[pd.DataFrame], pd.DataFrame]


def diabetes() -> pd.DataFrame:
    from sklearn.datasets import load_diabetes

    return load_diabetes(as_frame=True).frame  # 'target': a number from 25 to 346


def cancer() -> pd.DataFrame:
    from sklearn.datasets import load_breast_cancer

    frame = load_breast_cancer(as_frame=True).frame
    return frame[["mean radius", "mean texture", "worst area", "mean smoothness", "target"]]


def _parts(frame: pd.DataFrame) -> pd.DataFrame:
    share = np.round(frame["target"] * np.random.default_rng(0).uniform(0.2, 0.8, len(frame)))
    return frame.assign(casual=share, registered=frame["target"] - share)


def _rounded_parts(frame: pd.DataFrame) -> pd.DataFrame:
    """Two parts recorded to other precisions: their sum is the label within half a step of
    each, not to the float."""
    share = np.round(frame["target"] * np.random.default_rng(5).uniform(0.2, 0.8, len(frame)), 2)
    return frame.assign(casual=share, registered=np.round(frame["target"] - share, 1))


REGRESSION: list[tuple[str, Add, set[str]]] = [
    ("log", lambda f: f.assign(log_target=np.round(np.log(f["target"]), 4)), {"log_target"}),
    ("unit change", lambda f: f.assign(in_cm=np.round(f["target"] * 2.54, 1)), {"in_cm"}),
    ("complement", lambda f: f.assign(rest=400 - f["target"]), {"rest"}),
    ("two parts", _parts, {"casual", "registered"}),
    ("two parts, rounded", _rounded_parts, {"casual", "registered"}),
]
CLASSIFICATION: list[tuple[str, Add, set[str]]] = [
    ("recoded", lambda f: f.assign(code=f["target"].map({0: "M", 1: "B"})), {"code"}),
    ("complement", lambda f: f.assign(healthy=1 - f["target"]), {"healthy"}),
    (
        "threshold",  # days in care: none for one class, some for the other
        lambda f: f.assign(
            days=np.where(f["target"] == 1, np.random.default_rng(1).integers(1, 30, len(f)), 0)
        ),
        {"days"},
    ),
]


def disguised(frame: pd.DataFrame, task: str, seed: int = 0) -> tuple[bool, set[str]]:
    train, test = train_test_split(frame, test_size=0.3, random_state=seed)
    report = sekit.data.check(train, test, label="target", task=task, only=["data.label_leakage"])
    found = [
        f
        for f in report.findings("label_leakage", severity="fail")
        if f.evidence.get("problem") == "disguised_label"
    ]
    return not report.passed, {c for f in found for c in f.evidence["columns"]}


@pytest.mark.parametrize(("name", "add", "columns"), REGRESSION, ids=[c[0] for c in REGRESSION])
def test_a_numeric_label_in_another_form_blocks(name: str, add: Add, columns: set[str]) -> None:
    blocked, found = disguised(add(diabetes()), "regression")
    assert blocked and found == columns, found


@pytest.mark.parametrize(
    ("name", "add", "columns"), CLASSIFICATION, ids=[c[0] for c in CLASSIFICATION]
)
def test_a_class_label_in_another_form_blocks(name: str, add: Add, columns: set[str]) -> None:
    blocked, found = disguised(add(cancer()), "classification")
    assert blocked and found == columns, found


def test_honest_data_is_not_the_label_in_disguise() -> None:
    """The same data sets without a fault; iris, whose petals separate setosa perfectly but
    not the other two species; and coarse columns that agree with a three-valued label within
    their precision by accident (an indicator against classes 1, 2, 3)."""
    from sklearn.datasets import load_iris

    assert disguised(diabetes(), "regression") == (False, set())
    assert disguised(cancer(), "classification") == (False, set())
    iris = load_iris(as_frame=True).frame
    assert all(disguised(iris, "classification", seed) == (False, set()) for seed in range(5))
    rng = np.random.default_rng(2)
    coarse = pd.DataFrame({"target": rng.integers(1, 4, 400), "x": rng.normal(size=400)})
    coarse["flag"] = (coarse["target"] == 3).astype(int) ^ (rng.random(400) < 0.1)
    coarse["count"] = rng.integers(0, 3, 400)
    assert disguised(coarse, "regression") == (False, set())


def test_an_entity_that_tells_the_label_is_not_a_disguise() -> None:
    """A random split of a panel whose label is a property of the person (the person's id
    tells it on every test row): repeated_entities' to report, not a leak in the features."""
    rng = np.random.default_rng(3)
    people = np.repeat(np.arange(80), 5)
    sex = rng.choice(["f", "m"], 80)
    frame = pd.DataFrame(
        {
            "person": people,
            "height": np.round(rng.normal(170, 9, 80)[people] + rng.normal(0, 0.3, 400), 1),
            "age": rng.integers(20, 60, 80)[people] + np.tile(np.arange(5), 80),
            "target": sex[people],
        }
    )
    train, test = train_test_split(frame, test_size=0.3, random_state=0)
    report = sekit.data.check(train, test, label="target", task="classification")
    assert report.passed, [f.message for f in report.findings(severity="fail")]
    assert report.findings("repeated_entities", severity="warn")


def test_a_score_of_few_values_in_other_units_blocks() -> None:
    """A score of 1 to 7 (a numeric label a transform cannot judge: fewer than ten values)
    times 2.54, rounded to one decimal: each value of the feature belongs to one score. The
    same table with an honest coarse feature (a 1-to-3 rating that agrees with the score
    nine times in ten) is not a disguise."""
    rng = np.random.default_rng(4)
    score = rng.integers(1, 8, 300)
    honest = np.where(rng.random(300) < 0.9, (score + 1) // 3 + 1, rng.integers(1, 4, 300))
    frame = pd.DataFrame({"item": rng.choice(list("ABCDE"), 300), "rating": honest})
    frame["target"] = score
    assert disguised(frame, "regression") == (False, set())
    leaked = frame.assign(in_cm=np.round(frame["target"] * 2.54, 1))
    assert disguised(leaked, "regression") == (True, {"in_cm"})
