"""Releases: every trained model is a registry version; aliases say which one is deployed,
promote and roll back move them, and the service switches models without a restart."""

from __future__ import annotations

import json
from pathlib import Path

import joblib
import pytest
from fastapi.testclient import TestClient

from regression_demo import features, ingest, release, sanitize, train
from regression_demo.serve import app

PAYLOADS = json.loads((Path(__file__).parent / "load" / "payload.json").read_text())
ADMIN = {"X-Admin-Token": "test-token"}


def test_aliases_follow_training_promotion_and_rollback(project: Path) -> None:
    features.run(sanitize.run(ingest.run()))
    train.run()
    assert release.aliases() == {"champion": "1", "challenger": "1"}  # the first is deployed
    train.run()
    assert release.aliases() == {"champion": "1", "challenger": "2"}
    assert release.promote() == "2"
    assert release.aliases() == {"champion": "2", "challenger": "2", "previous": "1"}
    assert release.rollback() == "1"
    assert release.aliases()["champion"] == "1"
    meta = json.loads((project / "models" / "model.json").read_text())
    assert meta["registry"] == f"models:/{release.REGISTERED}/2"


@pytest.fixture
def served(project: Path, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    features.run(sanitize.run(ingest.run()))
    train.run()
    monkeypatch.setenv("ADMIN_TOKEN", ADMIN["X-Admin-Token"])
    with TestClient(app) as client:
        yield client


def test_a_new_model_is_loaded_while_serving(served: TestClient, project: Path) -> None:
    model = joblib.load(project / "models" / "model.joblib")
    model.model_version_ = "next-1"
    joblib.dump(model, project / "models" / "next.joblib")
    before = served.post("/predict", json=PAYLOADS[0]).json()["model_version"]
    answer = served.post("/admin/reload", json={"model": "models/next.joblib"}, headers=ADMIN)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"previous": before, "model_version": "next-1"}
    assert served.post("/predict", json=PAYLOADS[0]).json()["model_version"] == "next-1"
    assert served.get("/health").json()["model_version"] == "next-1"
    back = served.post(
        "/admin/reload", json={"model": f"models:/{release.REGISTERED}@champion"}, headers=ADMIN
    )
    assert back.status_code == 200, back.text
    assert back.json()["model_version"] == before


def test_reloading_is_guarded(served: TestClient, project: Path) -> None:
    nowhere = served.post("/admin/reload", json={"model": "models/model.joblib"})
    assert nowhere.status_code == 403
    outside = served.post("/admin/reload", json={"model": "params.toml"}, headers=ADMIN)
    assert outside.status_code == 422
    (project / "models" / "broken.joblib").write_bytes(b"not a model")
    broken = served.post("/admin/reload", json={"model": "models/broken.joblib"}, headers=ADMIN)
    assert broken.status_code == 422
    assert served.post("/predict", json=PAYLOADS[0]).status_code == 200  # still serving


def test_without_a_token_there_is_no_admin_endpoint(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    features.run(sanitize.run(ingest.run()))
    train.run()
    monkeypatch.delenv("ADMIN_TOKEN", raising=False)
    with TestClient(app) as client:
        answer = client.post("/admin/reload", json={"model": "models/model.joblib"})
        assert answer.status_code == 404


def test_the_retraining_workflow_pulls_the_labels_from_the_service(
    served: TestClient, project: Path
) -> None:
    from regression_demo.feedback import labelled

    request_id = served.post("/predict", json=PAYLOADS[0]).json()["request_id"]
    label = 150.0
    served.post("/feedback", json={"request_id": request_id, "progression": label})
    assert served.get("/admin/feedback").status_code == 403  # the token guards it
    answer = served.get("/admin/feedback", headers=ADMIN)
    assert answer.status_code == 200
    lines = answer.text.strip().splitlines()
    assert len(lines) == 2 == len(labelled()) + 1  # a header and the one labelled request
    assert lines[0].split(",") == list(labelled().columns)
