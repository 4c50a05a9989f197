"""The service: health, validated predictions with provenance, feedback; bad input is a 4xx,
never a 500; /feedback never holds up the service; a line cut short in the log costs only that
line."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from classification_demo import (
    features,
    feedback,
    ingest,
    limits,
    monitor,
    sanitize,
    serve,
    train,
)
from classification_demo.serve import app

ROOT = Path(__file__).resolve().parents[1]
PAYLOADS = json.loads((Path(__file__).parent / "load" / "payload.json").read_text())


@pytest.fixture
def client(project: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    features.run(sanitize.run(ingest.run()))
    train.run()
    monkeypatch.delenv("SEKIT_LOAD_TEST", raising=False)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def service(project: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The service on the model `dvc repro` trained, its logs in the scratch project: for the
    tests of what it accepts, which need a model but no training of their own."""
    monkeypatch.setenv("SEKIT_MODEL_PATH", str(ROOT / "models" / "model.joblib"))
    monkeypatch.delenv("SEKIT_LOAD_TEST", raising=False)
    with TestClient(app) as test_client:
        yield test_client


def test_health_names_the_model_version(client: TestClient) -> None:
    answer = client.get("/health")
    assert answer.status_code == 200
    assert answer.json()["model_version"]


def test_sekit_model_path_chooses_the_model(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """How a release check serves the deployed model beside the new one."""
    import joblib

    features.run(sanitize.run(ingest.run()))
    model, _ = train.run()
    model.model_version_ = "deployed-1"
    joblib.dump(model, project / "deployed.joblib")
    monkeypatch.setenv("SEKIT_MODEL_PATH", str(project / "deployed.joblib"))
    with TestClient(app) as client:
        assert client.get("/health").json()["model_version"] == "deployed-1"


class Failing:
    """The trained model, made to raise or to be slow (as a corrupt file or a stuck
    dependency would)."""

    def __init__(self, model: object, fault: str) -> None:
        self.model, self.fault = model, fault

    def __getattr__(self, name: str) -> object:
        if name.startswith("predict"):
            if self.fault == "raises":
                raise RuntimeError("the model's weights are corrupt")
            time.sleep(2.0)
        return getattr(self.model, name)


@pytest.mark.parametrize("fault", ["raises", "slow"])
def test_a_failing_model_gets_the_marked_fallback_answer(client: TestClient, fault: str) -> None:
    assert client.post("/predict", json=PAYLOADS[0]).json()["fallback"] is False
    model = serve.STATE["model"]
    serve.STATE["model"] = Failing(model, fault)
    started = time.perf_counter()
    answer = client.post("/predict", json=PAYLOADS[0])
    assert time.perf_counter() - started < 1.5  # the budget (0.1 s), not the model (2 s)
    assert answer.status_code == 200
    body = answer.json()
    assert body["fallback"] is True
    assert body["diagnosis"] == model.fallback_["diagnosis"]
    assert client.get("/health").json()["fallbacks"] == 1


def test_a_prediction_is_logged_with_its_provenance(client: TestClient, project: Path) -> None:
    answer = client.post("/predict", json=PAYLOADS[0])
    assert answer.status_code == 200
    body = answer.json()
    assert body["model_version"] == client.get("/health").json()["model_version"]
    lines = (project / "logs" / "requests.jsonl").read_text().splitlines()
    logged = [json.loads(line) for line in lines]
    assert logged[-1]["request_id"] == body["request_id"]
    assert logged[-1]["answer_model_version"] == body["model_version"]
    assert logged[-1]["status"] == 200 and logged[-1]["latency_ms"] > 0


def sample(client: TestClient, name: str, **labels: str) -> float:
    """One value of GET /metrics (0 when the series does not exist yet)."""
    from prometheus_client.parser import text_string_to_metric_families

    for family in text_string_to_metric_families(client.get("/metrics").text):
        for found in family.samples:
            if found.name == name and all(found.labels.get(k) == v for k, v in labels.items()):
                return float(found.value)
    return 0.0


def test_metrics_count_requests_answers_and_feedback(client: TestClient) -> None:
    """Counters are process-wide, so the test compares before and after."""
    ok = {"handler": "/predict", "method": "POST", "status": "200"}
    rejected = {**ok, "status": "422"}
    before = {
        "ok": sample(client, "http_requests_total", **ok),
        "rejected": sample(client, "http_requests_total", **rejected),
        "timed": sample(client, "http_request_duration_seconds_count", handler="/predict"),
        "feedback": sample(client, "model_feedback_total"),
    }
    body = client.post("/predict", json=PAYLOADS[0]).json()
    assert client.post("/predict", json={**PAYLOADS[0], "clinic": "elsewhere"}).status_code == 422
    label = body["diagnosis"]
    client.post("/feedback", json={"request_id": body["request_id"], "diagnosis": label})
    assert sample(client, "http_requests_total", **ok) == before["ok"] + 1
    assert sample(client, "http_requests_total", **rejected) == before["rejected"] + 1
    assert (
        sample(client, "http_request_duration_seconds_count", handler="/predict")
        == before["timed"] + 2
    )
    assert sample(client, "model_feedback_total") == before["feedback"] + 1
    assert sample(client, "model_info", version=body["model_version"]) == 1


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


def test_bad_input_is_a_4xx_never_a_500(
    service: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each case a body a careless or hostile client sends (one service for all)."""
    json_body = {"content-type": "application/json"}
    field = "worst_area"
    for number in ("NaN", "Infinity", "-Infinity", "1e999"):  # Python's json writes them
        body = json.dumps({**PAYLOADS[0], field: "?"}).replace('"?"', number)
        answer = service.post("/predict", content=body, headers=json_body)
        assert answer.status_code == 422, number
        assert answer.json()["detail"][0]["loc"] == ["body", field]
    not_utf8 = service.post("/predict", content=b'{"clinic": "\xff\xfe"}', headers=json_body)
    assert 400 <= not_utf8.status_code < 500
    huge = b" " * (limits.MAX_BODY_BYTES + 1)
    assert service.post("/predict", content=huge, headers=json_body).status_code == 413
    chunked = iter([b" " * 4096] * 40)  # no length given: read up to the limit only
    assert service.post("/predict", content=chunked, headers=json_body).status_code == 413
    monkeypatch.setenv("ADMIN_TOKEN", "secret")
    beyond_ascii = {"X-Admin-Token": "caf\u00e9".encode()}
    assert service.get("/admin/feedback", headers=beyond_ascii).status_code == 403  # type: ignore[arg-type]
    assert service.get("/admin/feedback", headers={"X-Admin-Token": "secret"}).status_code == 200
    assert service.post("/predict", json=PAYLOADS[0]).status_code == 200  # and still serving


def test_feedback_never_holds_up_the_service(
    service: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While /feedback reads the log (a big one takes seconds), /health answers: the look-up
    must not run on the event loop. Deterministic: the look-up waits until /health has
    answered, which it never can if the look-up holds the loop."""
    request_id = service.post("/predict", json=PAYLOADS[0]).json()["request_id"]
    entered, answered, waited = threading.Event(), threading.Event(), []
    real = feedback.store

    def store(*args: object) -> object:
        entered.set()
        waited.append(answered.wait(timeout=10))
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(feedback, "store", store)

    async def both() -> tuple[int, int]:
        import httpx

        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as http:
            label = "malignant"
            item = {"request_id": request_id, "diagnosis": label}
            stored = asyncio.create_task(http.post("/feedback", json=item))
            while not entered.is_set():
                await asyncio.sleep(0.01)
            health = await http.get("/health")
            answered.set()
            return health.status_code, (await stored).status_code

    assert asyncio.run(both()) == (200, 201)
    assert waited == [True]


def test_a_line_cut_short_in_the_log_costs_only_that_line(
    service: TestClient, project: Path
) -> None:
    """A service killed while writing leaves half a line; the next request is still on a line
    of its own, and feedback for every other request is still taken."""
    first = service.post("/predict", json=PAYLOADS[0]).json()["request_id"]
    log = project / "logs" / "requests.jsonl"
    with log.open("a", encoding="utf-8") as handle:
        handle.write('{"timestamp": "2026-12-01T10:00:00+00:00", "request_id": "cut-sh')
    second = service.post("/predict", json=PAYLOADS[1]).json()["request_id"]
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines[-2].endswith('"cut-sh') and json.loads(lines[-1])["request_id"] == second
    label = "malignant"
    for request_id in (first, second):
        item = {"request_id": request_id, "diagnosis": label}
        assert service.post("/feedback", json=item).status_code == 201
    assert set(monitor.served()["request_id"]) >= {first, second}
