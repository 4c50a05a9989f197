"""``load.malformed`` against real services on 127.0.0.1: the recommender template's own
FastAPI service (its typed path parameter refuses garbage with a 4xx) passes; a service that
parses the id itself and lets the error escape (a dropped connection) fails, naming the
request; a JSON service that crashes on a body without its field fails, one that refuses it
with 422 passes; the probes cover each field of a JSON body."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sekit.checks.context import Context
from sekit.checks.load.malformed import check_malformed, probes
from sekit.config.loader import load_config
from sekit.config.service import Service
from sekit.scaffold import create, plan

pytestmark = pytest.mark.services

HERE = Path(__file__).parent


def malformed(folder: Path) -> object:
    return check_malformed(Context(load_config(folder / "sekit.toml")))


def test_the_recommender_templates_service_refuses_garbage_ids(tmp_path: Path) -> None:
    project = tmp_path / "films"
    create(plan("films", template="recommender", team=["Ana"], target=project), git=False)
    ratings = pd.DataFrame({"user_id": [1, 1, 2, 3], "item_id": [10, 11, 10, 12], "rating": 4.0})
    ratings.to_csv(project / "ratings.csv", index=False)
    (project / "models").mkdir(exist_ok=True)
    # the template's own Popular recommender, pickled in a process that imports it as the
    # service will (films.model)
    subprocess.run(
        [sys.executable, "-c", "import sys, joblib, pandas as pd; from films.model import "
         "Popular; joblib.dump(Popular(pd.read_csv('ratings.csv')), 'models/model.joblib')"],
        cwd=project, env={"PYTHONPATH": str(project / "src"), "PATH": ""}, check=True,
    )  # fmt: skip
    (project / "sekit.toml").write_text(
        '[project]\nname = "films"\n[service]\n'
        f'command = "{sys.executable} -m uvicorn films.serve:app --host 127.0.0.1 '
        '--port {port}"\n'
        'env = { PYTHONPATH = "src" }\nendpoint = "/recommend/{user_id}"\nmethod = "GET"\n'
        'payload = "tests/load/users.json"\nanswer = "list"\n[load]\nmalformed = true\n'
    )
    result = malformed(project)
    assert result.status == "pass", result.summary
    assert result.metrics["malformed_handled"] == 1.0


def lists_project(folder: Path, mode: str) -> Path:
    (folder / "users.json").write_text('[{"user_id": 1}, {"user_id": 2}]')
    (folder / "sekit.toml").write_text(
        '[project]\nname = "lists"\n[service]\n'
        f'command = "{sys.executable} {HERE / "lists_service.py"} --port {{port}} --mode {mode} '
        f'--seen {folder / "seen.txt"}"\n'
        'endpoint = "/recommend/{user_id}"\nmethod = "GET"\npayload = "users.json"\n'
        'answer = "list"\nstartup_timeout = "10s"\n[load]\nmalformed = true\n'
    )
    return folder


def test_a_service_that_lets_a_parse_error_escape_fails(tmp_path: Path) -> None:
    result = malformed(lists_project(tmp_path, "good"))
    assert result.status == "fail", result.summary
    [found] = [f for f in result.findings if f.severity == "fail"]
    assert found.kind == "malformed_input"
    assert "user_id not a number (GET /recommend/not-a-number)" in found.message
    assert result.metrics["malformed_handled"] < 1.0


def test_a_service_that_validates_its_ids_passes(tmp_path: Path) -> None:
    result = malformed(lists_project(tmp_path, "strict"))
    assert result.status == "pass", result.summary


def json_project(folder: Path, mode: str) -> Path:
    (folder / "payload.json").write_text('{"features": {"a": 1}}')
    (folder / "sekit.toml").write_text(
        '[project]\nname = "json"\n[service]\n'
        f'command = "{sys.executable} {HERE / "service.py"} --port {{port}} --mode {mode} '
        f'--tag {folder}"\npayload = "payload.json"\nstartup_timeout = "10s"\n'
        "[load]\nmalformed = true\n"
    )
    return folder


def test_a_json_service_must_refuse_a_body_without_its_field(tmp_path: Path) -> None:
    refused = malformed(json_project(tmp_path, "strict"))  # 400 and 422
    assert refused.status == "pass", refused.summary
    crashed = malformed(json_project(tmp_path, "fragile"))  # a KeyError: 500
    assert crashed.status == "fail", crashed.summary
    [found] = [f for f in crashed.findings if f.severity == "fail"]
    assert "no 'features' (POST /predict): 500" in found.evidence["requests"]


def test_every_field_of_a_body_is_left_out_and_mistyped_once() -> None:
    service = Service(command="serve {port}", endpoint="/predict", method="POST")
    found = {p.what for p in probes(service, [{"age": 3, "name": "x", "tags": ["a"]}])}
    for key in ("age", "name", "tags"):
        assert f"no {key!r}" in found and f"{key!r} of the wrong type" in found
    assert {"a body that is not JSON", "a JSON array for a body", "an empty JSON object"} <= found
    assert "'name' of 100,000 characters" in found


def test_probing_is_off_unless_asked(tmp_path: Path) -> None:
    folder = lists_project(tmp_path, "good")
    text = (folder / "sekit.toml").read_text().replace("malformed = true", "")
    (folder / "sekit.toml").write_text(text)
    assert malformed(folder).status == "skipped"
