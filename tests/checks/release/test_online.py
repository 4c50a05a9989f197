"""sekit check release on the scaffold's real service (trained by its DVC pipeline), started
twice by sekit or given as two --url services, under real Locust, in shadow and canary modes:
a copy of the deployed model is promoted; a model that always answers one class and a slow
model are rolled back, with the kind that says why; no process is left behind."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import joblib
import pytest
from click.testing import CliRunner, Result

from sekit import faults
from sekit_cli.app import cli
from tests.checks.load.test_load import leftovers

pytestmark = pytest.mark.services

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "classification"


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory, trained_example: Path) -> Path:
    """The classification example, trained once by `dvc repro`, its model copied as the
    deployed one, and the broken candidates written beside it."""
    project = tmp_path_factory.mktemp("release") / "project"
    shutil.copytree(trained_example, project)
    models = project / "models"
    shutil.copy(models / "model.joblib", models / "deployed.joblib")
    model = joblib.load(models / "model.joblib")
    faults.write(model, models / "constant.joblib", "constant", answer="benign")
    # slower than the deployed model by 300 ms, inside a raised budget (no fallback): latency
    faults.write(model, models / "slow.joblib", "slow", delay_s=0.3)
    config = project / "sekit.toml"
    text = config.read_text()
    text = text.replace(
        '# baseline = "models/deployed.joblib"', 'baseline = "models/deployed.joblib"'
    )
    text = text.replace('duration = "10s"', 'duration = "6s"').replace(
        'warmup = "2s"', 'warmup = "1s"'
    )
    text = text.replace(
        'payload = "tests/load/payload.json"',
        'payload = "tests/load/payload.json"\nenv = { MODEL_BUDGET_MS = "2000" }',
    )
    config.write_text(text)
    return project


@pytest.fixture
def project(trained: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(trained, copy, ignore=shutil.ignore_patterns(".sekit"))
    monkeypatch.setenv("PYTHONPATH", str(copy / "src"))
    monkeypatch.chdir(copy)
    yield copy
    assert leftovers(str(copy)) == [], "a service or Locust process outlived the test"


def configure(project: Path, *, candidate: str, release: str = "") -> None:
    config = project / "sekit.toml"
    text = config.read_text().replace('path = "models/model.joblib"', f'path = "{candidate}"')
    config.write_text(text + (f"\n[release]\n{release}\n" if release else ""))


def release(*extra: str) -> tuple[Result, dict[str, object]]:
    result = CliRunner().invoke(cli, ["check", "release", "--format", "json", *extra])
    assert result.stdout.strip(), result.output
    return result, json.loads(result.stdout)


def kinds(report: dict[str, object]) -> set[str]:
    return {
        f["kind"]
        for c in report["checks"]  # type: ignore[attr-defined]
        for f in c["findings"]
        if f["severity"] == "fail"
    }


MODES = ['mode = "shadow"', 'mode = "canary"\nweight = 0.3']


@pytest.mark.parametrize("mode", MODES)
def test_a_copy_of_the_deployed_model_is_promoted(mode: str, project: Path) -> None:
    configure(project, candidate="models/model.joblib", release=mode)
    result, report = release()
    assert result.exit_code == 0, result.output
    assert report["release"]["decision"] == "promote"
    assert report["metrics"]["release.agreement"] == 1.0
    assert report["metrics"]["release.error_rate"] == 0.0
    assert report["metrics"]["release.accuracy_delta"] == 0.0
    samples = (project / ".sekit" / "release-samples.jsonl").read_text().splitlines()
    arms = {json.loads(line)[0] for line in samples}
    assert arms == {"deployed", "candidate"}


@pytest.mark.parametrize("mode", MODES)
def test_a_model_that_always_answers_one_class_is_rolled_back(mode: str, project: Path) -> None:
    configure(project, candidate="models/constant.joblib", release=mode)
    result, report = release()
    assert result.exit_code == 1, result.output
    assert report["release"]["decision"] == "roll back"
    assert {"release_disagreement", "release_regression"} <= kinds(report)
    assert report["metrics"]["release.agreement"] < 0.8
    assert report["metrics"]["release.accuracy_delta"] < -0.2


def test_a_slow_model_is_rolled_back_for_its_latency(project: Path) -> None:
    configure(project, candidate="models/slow.joblib")
    result, report = release()
    assert result.exit_code == 1, result.output
    assert "release_latency" in kinds(report)
    assert report["metrics"]["release.p95_ratio"] > 1.5
    assert report["metrics"]["release.agreement"] == 1.0  # same answers, only later


def test_two_running_services_are_compared_by_url(project: Path) -> None:
    from sekit.config.loader import load_config
    from sekit.subjects.service import started

    config = load_config(project)
    assert config.service is not None
    paths = {"deployed": "models/deployed.joblib", "candidate": "models/constant.joblib"}
    with (
        started(
            config.service,
            root=project,
            workdir=project,
            env={"SEKIT_MODEL_PATH": paths["deployed"]},
        ) as old,
        started(
            config.service,
            root=project,
            workdir=project / "models",
            env={"SEKIT_MODEL_PATH": paths["candidate"]},
        ) as new,
    ):
        result, report = release("--url", old.url, "--url", new.url)
    assert result.exit_code == 1, result.output
    assert "release_disagreement" in kinds(report)


def test_misuse_is_a_usage_error(project: Path) -> None:
    once = CliRunner().invoke(cli, ["check", "release", "--url", "http://127.0.0.1:9"])
    assert once.exit_code == 2 and "takes --url twice" in once.output
    configure(project, candidate="models/model.joblib", release='mode = "shadow"\nweight = 0.2')
    bad = CliRunner().invoke(cli, ["check", "release"])
    assert bad.exit_code == 2 and "weight applies to mode canary or ab" in bad.output
