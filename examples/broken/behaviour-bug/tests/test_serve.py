"""The service: health, validated predictions with provenance, feedback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from clinic_ai import features, ingest, sanitize, train
from clinic_ai.serve import app

PAYLOADS = json.loads((Path(__file__).parent / "load" / "payload.json").read_text())


@pytest.fixture
def client(project: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    features.run(sanitize.run(ingest.run()))
    train.run()
    monkeypatch.delenv("SEKIT_LOAD_TEST", raising=False)
    with TestClient(app) as test_client:
        yield test_client


def test_health_names_the_model_version(client: TestClient) -> None:
    answer = client.get("/health")
    assert answer.status_code == 200
    assert answer.json()["model_version"]


def test_a_prediction_is_logged_with_its_provenance(client: TestClient, project: Path) -> None:
    answer = client.post("/predict", json=PAYLOADS[0])
    assert answer.status_code == 200
    body = answer.json()
    assert body["model_version"] == client.get("/health").json()["model_version"]
    lines = (project / "logs" / "requests.jsonl").read_text().splitlines()
    logged = [json.loads(line) for line in lines]
    assert logged[-1]["request_id"] == body["request_id"]
    assert logged[-1]["answer_model_version"] == body["model_version"]


@pytest.mark.parametrize(
    "change",
    [
        {"worst_area": -5},  # below the schema's minimum
        {"clinic": "elsewhere"},  # not an allowed value
        {"unknown_field": 1},  # not an input
    ],
)
def test_invalid_input_is_answered_422(client: TestClient, change: dict[str, object]) -> None:
    assert client.post("/predict", json={**PAYLOADS[0], **change}).status_code == 422


def test_a_missing_input_is_answered_422(client: TestClient) -> None:
    incomplete = {k: v for k, v in PAYLOADS[0].items() if k != "worst_area"}
    assert client.post("/predict", json=incomplete).status_code == 422


def test_feedback_is_stored_for_known_requests_only(client: TestClient) -> None:
    request_id = client.post("/predict", json=PAYLOADS[0]).json()["request_id"]
    label = "malignant"
    known = {"request_id": request_id, "diagnosis": label}
    unknown = {"request_id": "nope", "diagnosis": label}
    assert client.post("/feedback", json=known).status_code == 201
    assert client.post("/feedback", json=unknown).status_code == 404
