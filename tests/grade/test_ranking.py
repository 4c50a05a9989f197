"""A recommender's sekit config is credited for ranking metrics gated, a gain over the most
popular items gated and a split by time (``ml.gates``); the scaffold earns all of it."""

from __future__ import annotations

import pytest

from sekit.grade.detectors import ITEMS
from sekit.grade.repository import Repository
from sekit.scaffold import plan
from tests.grade.conftest import Repo

PARTS = ("ranking metrics gated", "beats the most popular items", "split by time")
BARE = """[project]
name = "films"
[data]
train = "train.csv"
test = "test.csv"
[data.columns.rating]
type = "float"
[model]
path = "model.joblib"
task = "ranking"
[gates]
"load.p95_ms" = { max = 200 }
"load.error_rate" = { max = 0.01 }
"model.personalised_share" = { min = 0.1 }
"""


def test_the_recommender_scaffold_is_credited_for_its_ranking_evaluation(repo: Repo) -> None:
    made = plan("films", template="recommender")
    outcome = ITEMS["ml.gates"](Repository(repo({"sekit.toml": made.files["sekit.toml"]})))
    assert outcome.status == "met", outcome.evidence
    for part in PARTS:
        assert f"{part}: yes" in outcome.evidence


def test_a_ranking_config_without_its_evaluation_earns_only_the_common_parts(repo: Repo) -> None:
    outcome = ITEMS["ml.gates"](Repository(repo({"sekit.toml": BARE})))
    assert outcome.status == "partial" and outcome.share == pytest.approx(0.25 + 0.75 * 3 / 6)
    for part in PARTS:
        assert f"{part}: no" in outcome.evidence
