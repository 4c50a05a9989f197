"""sekit's verdicts on what a recommender must be: better than the most popular films, and
personal. Each test builds the broken recommender or service it describes and runs sekit on
it, as the gate would (run `dvc repro` first)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import joblib
import pandas as pd
import pytest

from recommender_demo.model import Popular

ROOT = Path(__file__).resolve().parents[1]


def config_beside(tmp_path: Path, model: Path) -> Path:
    """sekit.toml with every path absolute and another model: the checks run in tmp_path."""
    text = (ROOT / "sekit.toml").read_text()
    for relative in ("data/split/", "tests/load/", "logs/"):
        text = text.replace(f'"{relative}', f'"{ROOT / relative}/')
    text = text.replace('path = "models/model.joblib"', f'path = "{model}"')
    config = tmp_path / "sekit.toml"
    config.write_text(text)
    return config


def sekit(*args: str | Path) -> dict:
    """A sekit command's JSON report; exit 0 (passed) or 1 (failed), never an error."""
    done = subprocess.run(
        [sys.executable, "-m", "sekit", *map(str, args), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode in (0, 1), done.stderr[-2000:]
    return {check["id"]: check for check in json.loads(done.stdout)["checks"]}


def kinds(check: dict) -> set[str]:
    return {f["kind"] for f in check["findings"] if f["severity"] == "fail"}


@pytest.mark.mlts("model-5")
def test_a_recommender_of_the_most_popular_films_fails_against_the_baseline(ratings, tmp_path):
    train, _ = ratings
    popular = tmp_path / "popular.joblib"
    joblib.dump(Popular(train), popular)
    checks = sekit("check", "model", "--config", config_beside(tmp_path, popular))
    baseline = checks["model.ranking_baseline"]
    assert baseline["status"] == "fail" and "simple_model_better" in kinds(baseline)


class SameForEveryone:
    """A service that ignores who asks: everyone gets the first user's films."""

    def __init__(self, model) -> None:
        self.model, self.model_version_ = model, model.model_version_

    def recommend(self, users: pd.DataFrame, k: int) -> list[list[int]]:
        return self.model.recommend(pd.DataFrame({"user_id": [1] * len(users)}), k)


def serve_users(service, users: list[int]) -> None:
    for user in users:
        assert service.get(f"/recommend/{user}").status_code == 200


def test_a_service_that_gives_everyone_the_same_list_fails_personalisation(
    service, ratings, trained, tmp_path
):
    from recommender_demo.serve import STATE

    STATE["model"] = SameForEveryone(trained)
    serve_users(service, sorted(ratings[0].user_id.unique())[:60])
    log = tmp_path / "logs" / "requests.jsonl"
    config = config_beside(tmp_path, ROOT / "models" / "model.joblib")
    served = sekit("check", "monitor", "--config", config, "--log", log)["monitor.recommendations"]
    assert served["status"] == "fail" and "not_personalised" in kinds(served)
    assert served["metrics"]["personalised_share"] == 0


def test_the_trained_service_gives_users_lists_of_their_own(service, ratings, tmp_path):
    serve_users(service, sorted(ratings[0].user_id.unique())[:60] + [900001, 900002])
    log = tmp_path / "logs" / "requests.jsonl"
    config = config_beside(tmp_path, ROOT / "models" / "model.joblib")
    served = sekit("check", "monitor", "--config", config, "--log", log)["monitor.recommendations"]
    assert served["status"] == "pass", served["summary"]
    assert served["metrics"]["personalised_share"] >= 0.5
    assert served["metrics"]["cold_start_answered"] == 1.0
