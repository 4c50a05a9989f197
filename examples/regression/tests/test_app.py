"""The app people use, against the real model service (in-process): an answer with its model
version, feedback that reaches the store with the request id, sticky arms, and a page that
says so when the model service is down. (A real browser drives the running system in sekit's
own tests, and in CI: tests/test_browser.py.)"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from regression_demo import app as app_module
from regression_demo import features, ingest, sanitize, serve, train

ROOT = Path(__file__).resolve().parents[1]
PAYLOADS = json.loads((Path(__file__).parent / "load" / "payload.json").read_text())


@pytest.fixture
def model(project: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The model service, trained in the scratch project; the app reaches it in-process."""
    features.run(sanitize.run(ingest.run()))
    train.run()
    monkeypatch.delenv("SEKIT_LOAD_TEST", raising=False)
    with TestClient(serve.app) as service:
        monkeypatch.setattr(app_module, "client", lambda: contextlib.nullcontext(service))
        yield service


@pytest.fixture
def served(project: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The model service on the model `dvc repro` trained (no training of its own), reached
    by the app in-process."""
    monkeypatch.setenv("SEKIT_MODEL_PATH", str(ROOT / "models" / "model.joblib"))
    monkeypatch.delenv("SEKIT_LOAD_TEST", raising=False)
    with TestClient(serve.app) as service:
        monkeypatch.setattr(app_module, "client", lambda: contextlib.nullcontext(service))
        yield service


def form(payload: dict[str, object]) -> dict[str, str]:
    return {key: str(value) for key, value in payload.items()}


def test_an_answer_shows_its_model_version_and_a_correction_is_stored(
    model: TestClient, project: Path
) -> None:
    user = TestClient(app_module.app)
    page = user.post("/ask", data=form(PAYLOADS[0]))
    assert page.status_code == 200
    version = model.get("/health").json()["model_version"]
    assert f"<code id='model-version'>{version}</code>" in page.text
    request_id = re.search(r"id='request-id'>(\w+)<", page.text).group(1)
    label = "150.0"
    stored = user.post(
        "/feedback", data={"request_id": request_id, "arm": "control", "label": label}
    )
    assert stored.status_code == 200 and "id='thanks'" in stored.text
    with sqlite3.connect(project / "logs" / "feedback.sqlite") as db:
        assert db.execute(
            "SELECT label FROM feedback WHERE request_id = ?", (request_id,)
        ).fetchone() == (label,)
    logged = [
        json.loads(line) for line in (project / "logs" / "requests.jsonl").read_text().splitlines()
    ]
    assert logged[-1]["request_id"] == request_id
    assert logged[-1]["arm"] == "control" and logged[-1]["user_id"] == user.cookies["user_id"]


def test_a_user_stays_in_one_arm_and_the_split_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARMS", "control=http://127.0.0.1:8000,canary=http://127.0.0.1:8001")
    monkeypatch.setenv("SPLIT", "control=0.8,canary=0.2")
    assert all(app_module.arm_of("u-7") == app_module.arm_of("u-7") for _ in range(20))
    canary = sum(app_module.arm_of(f"u-{i}") == "canary" for i in range(5000))
    assert 900 < canary < 1100  # 20% of 5000, within about 3 standard deviations


def test_when_the_model_service_is_down_the_app_says_so_and_keeps_working(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("MODEL_URL", f"http://127.0.0.1:{port}")
    user = TestClient(app_module.app)
    page = user.post("/ask", data=form(PAYLOADS[0]))
    assert page.status_code == 503 and "id='unavailable'" in page.text
    assert "id='ask'" in page.text  # the form is still there: try again
    assert user.get("/health").json()["status"] == "ok"
    assert user.get("/").status_code == 200


def test_bad_input_is_a_4xx_page_never_a_500(served: TestClient, project: Path) -> None:
    """Each case a form a careless or hostile browser sends (one service for all)."""
    user = TestClient(app_module.app)
    for change in (
        {"bmi": "nan"},
        {"bmi": "inf"},
        {"bmi": "-5"},  # below its range
        {"clinic": "elsewhere"},
    ):
        page = user.post("/ask", data={**form(PAYLOADS[0]), **change})
        assert page.status_code == 422 and "id='invalid'" in page.text, change
        assert "id='ask'" in page.text  # the form again, to correct it
    kind = {"content-type": "application/x-www-form-urlencoded"}
    assert user.post("/ask", content=b"clinic=\xff\xfe", headers=kind).status_code == 400
    assert user.post("/feedback", content=b"label=%FF", headers=kind).status_code == 400
    huge = b"a=" + b"1" * (app_module.limits.MAX_BODY_BYTES + 1)
    assert user.post("/ask", content=huge, headers=kind).status_code == 413
    # a cookie that is not an id the app gave: replaced, and the new id is what is logged
    cookie = {"cookie": 'user_id=caf\u00e9 "; drop'.encode()}
    page = TestClient(app_module.app).post("/ask", data=form(PAYLOADS[0]), headers=cookie)  # type: ignore[arg-type]
    assert page.status_code == 200
    given = page.cookies["user_id"]
    assert re.fullmatch(r"[0-9a-f]{32}", given)
    logged = json.loads((project / "logs" / "requests.jsonl").read_text().splitlines()[-1])
    assert logged["user_id"] == given
