"""The service as CMU's clients call it: GET /recommend/<user_id>, plain text."""

from __future__ import annotations

import json
from pathlib import Path


def served(tmp_path: Path) -> list[dict]:
    lines = (tmp_path / "logs" / "requests.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_a_known_user_gets_twenty_films_as_comma_separated_text(service, ratings, tmp_path):
    train, _ = ratings
    answer = service.get("/recommend/1")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    films = [int(item) for item in answer.text.split(",")]
    assert len(films) == len(set(films)) == 20
    assert not set(films) & set(train.loc[train.user_id == 1, "item_id"])
    logged = served(tmp_path)[-1]
    assert logged["user_id"] == 1 and logged["prediction"] == films and logged["status"] == 200


def test_a_new_user_gets_films_too(service):
    answer = service.get("/recommend/999999")
    assert answer.status_code == 200 and len(answer.text.split(",")) == 20


def test_a_user_id_that_is_no_number_is_refused(service, tmp_path):
    assert service.get("/recommend/abc").status_code == 422
    assert not (tmp_path / "logs" / "requests.jsonl").exists()  # not an answer: not logged


def test_health_names_the_model_version(service, trained):
    assert service.get("/health").json()["model_version"] == trained.model_version_
