"""Switching models without downtime: the scaffold's service, started for real and under real
Locust load, loads new models (a file and a registry alias) several times; no request fails.
A reload that drops the old model before the new one is loaded (the variant unsafe-reload)
fails requests under the same test."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import httpx
import joblib
import pytest

from sekit.checks.load import locust
from sekit.config.loader import load_config
from sekit.scaffold.variants import break_in_place
from sekit.subjects.service import started
from tests.checks.load.test_load import leftovers

pytestmark = pytest.mark.services

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "classification"
TOKEN = {"X-Admin-Token": "switch-test"}
SWITCHES = 6


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory, trained_example: Path) -> Path:
    project = tmp_path_factory.mktemp("switch") / "project"
    shutil.copytree(trained_example, project)
    model = joblib.load(project / "models" / "model.joblib")
    model.model_version_ = "next"
    joblib.dump(model, project / "models" / "next.joblib")
    return project


@pytest.fixture
def project(trained: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(trained, copy, ignore=shutil.ignore_patterns(".sekit"))
    monkeypatch.setenv("PYTHONPATH", str(copy / "src"))
    yield copy
    assert leftovers(str(copy)) == [], "a service or Locust process outlived the test"


def switch_under_load(project: Path) -> tuple[locust.Results, list[int], str]:
    """Locust for 8 s; meanwhile six reloads, alternating between two models (one of them by
    registry alias). The results, the reloads' status codes, the final version."""
    config = load_config(project)
    assert config.service is not None
    load = config.load.model_copy(update={"duration": 8.0, "warmup": 1.0})
    workdir = project / ".sekit"
    workdir.mkdir()
    statuses: list[int] = []
    with started(
        config.service, root=project, workdir=workdir, env={"ADMIN_TOKEN": TOKEN["X-Admin-Token"]}
    ) as service:
        argv = locust.command(
            locust.write_locustfile(config.service, load, workdir),
            service.url,
            load,
            workdir / "switch",
            locust.Distribution(),
        )
        running = threading.Thread(
            target=locust.run,
            args=(argv,),
            kwargs={"cwd": workdir, "log_path": workdir / "locust.log", "limit": 90},
        )
        running.start()
        time.sleep(2.5)  # past the warm-up: the statistics count every switch
        for index in range(SWITCHES):
            target = (
                "models/next.joblib" if index % 2 == 0 else "models:/classification-demo@champion"
            )
            answer = httpx.post(
                f"{service.url}/admin/reload", json={"model": target}, headers=TOKEN, timeout=30
            )
            statuses.append(answer.status_code)
            time.sleep(0.5)
        running.join()
        version = httpx.get(f"{service.url}/health").json()["model_version"]
    return locust.read_results(workdir / "switch", load.warmup), statuses, version


def test_models_switch_under_load_without_a_failed_request(project: Path) -> None:
    results, statuses, version = switch_under_load(project)
    assert statuses == [200] * SWITCHES
    assert results.requests > 100
    assert results.failures == 0, results.failures_by_reason
    assert version != "next"  # the last switch went back to the registry's champion
    log = (project / ".sekit" / "service.log").read_text()
    assert log.count("model reloaded") == SWITCHES


def test_a_reload_that_unloads_first_fails_requests(project: Path) -> None:
    break_in_place("unsafe-reload", project, "classification_demo")
    results, statuses, _ = switch_under_load(project)
    assert statuses == [200] * SWITCHES
    assert results.failures > 0
