"""load.fallback: a failing or slow model injected into the scaffold's real service (trained by
its DVC pipeline, started by sekit, under real Locust). The scaffold's fallback passes; the same
service without a fallback, or with unmarked fallback answers, is caught (`no_fallback`); no
process is left behind."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sekit.scaffold.variants import break_in_place
from sekit_cli.app import cli
from tests.checks.load.test_load import leftovers

pytestmark = pytest.mark.services

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "classification"


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory, trained_example: Path) -> Path:
    """The classification example, trained once by `dvc repro`."""
    project = tmp_path_factory.mktemp("fallback") / "project"
    shutil.copytree(trained_example, project)
    config = project / "sekit.toml"
    text = config.read_text().replace('duration = "10s"', 'duration = "3s"')
    # a budget well below the 200 ms bound, so that a busy machine's queueing cannot decide
    text = text.replace(
        'payload = "tests/load/payload.json"',
        'payload = "tests/load/payload.json"\nenv = { MODEL_BUDGET_MS = "50" }',
    )
    config.write_text(text.replace('warmup = "2s"', 'warmup = "1s"'))
    return project


@pytest.fixture
def project(trained: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "project"
    shutil.copytree(trained, copy, ignore=shutil.ignore_patterns(".sekit"))
    monkeypatch.setenv("PYTHONPATH", str(copy / "src"))
    monkeypatch.chdir(copy)
    yield copy
    assert leftovers(str(copy)) == [], "a service or Locust process outlived the test"


def fallback_check(fault: str) -> tuple[Result, dict[str, object]]:
    result = CliRunner().invoke(cli, ["check", "load", "--fault", fault, "--format", "json"])
    report = json.loads(result.stdout)
    [check] = [c for c in report["checks"] if c["id"] == "load.fallback"]
    return result, check


@pytest.mark.parametrize("fault", ["model-error", "model-slow"])
def test_the_scaffold_answers_in_time_with_a_marked_fallback(fault: str, project: Path) -> None:
    result, check = fallback_check(fault)
    assert check["status"] == "pass", check["findings"]
    assert json.loads(result.stdout)["checks"][0]["status"] == "skipped"  # load.locust
    assert check["metrics"]["fallback_marked"] == 1.0
    assert check["metrics"]["fallback_error_rate"] == 0.0
    assert result.exit_code == 0, result.output
    log = (project / ".sekit" / f"service-{fault}" / "service.log").read_text()
    assert "fallback answer" in log


@pytest.mark.parametrize(
    ("broken", "expected"),
    [("no-fallback", "of requests failed"), ("unmarked-fallback", "were not marked as fallbacks")],
)
def test_a_service_without_a_visible_fallback_is_caught(
    broken: str, expected: str, project: Path
) -> None:
    break_in_place(broken, project, "classification_demo")
    result, check = fallback_check("model-error")
    assert result.exit_code == 1
    messages = [f["message"] for f in check["findings"] if f["kind"] == "no_fallback"]
    assert any(expected in m for m in messages), messages
    assert check["status"] == "fail"


def test_without_a_fault_or_with_url_the_check_is_skipped(project: Path) -> None:
    from sekit.checks.context import Context, RunOptions
    from sekit.checks.load.fallback import check_fallback
    from sekit.checks.load.options import LoadOptions
    from sekit.config.loader import load_config

    config = load_config(project)
    assert check_fallback(Context(config)).status == "skipped"
    remote = RunOptions(
        urls=("http://127.0.0.1:9",), suites={"load": LoadOptions(fault="model-error")}
    )
    assert check_fallback(Context(config, remote)).status == "skipped"
    misused = CliRunner().invoke(cli, ["check", "data", "--fault", "model-error"])
    assert misused.exit_code == 2 and "--fault only applies" in misused.output
