"""``sekit init`` on repositories modelled on five real course repositories: the config it
writes validates, a first ``sekit check`` runs and says `dvc pull` once, and nothing of the
team's changes except the files it says it adds."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sekit.config import load_config
from sekit_cli.app import cli
from tests.adopt.repos import NOTHING, REPOSITORIES
from tests.conftest import make_tree


def _snapshot(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".sekit" not in p.parts
    }


@pytest.mark.parametrize("name", sorted(REPOSITORIES))
def test_init_then_check(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_tree(REPOSITORIES[name], tmp_path / name)
    before = _snapshot(root)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli, ["init", "--ci", "--pre-commit"])
    assert result.exit_code == 0, result.output
    said = {
        line.split(" ", 1)[1] for line in result.output.splitlines() if line.startswith("wrote ")
    }
    after = _snapshot(root)
    assert {k: v for k, v in after.items() if k in before} == before  # nothing of theirs changed
    added = set(after) - set(before)
    assert {Path(p).as_posix() for p in said} == added  # exactly what it said it wrote
    assert "sekit.toml" in added
    config = load_config(root / "sekit.toml")  # the schema accepts it
    assert config.project.name == name
    assert "Could not decide" in result.output or config.data is not None
    check = CliRunner().invoke(cli, ["check"])
    assert check.exit_code in (0, 1, 2), check.output
    report = json.loads((root / ".sekit" / "report.json").read_text())
    naming = [f for c in report["checks"] for f in c["findings"] if "dvc pull" in f["message"]]
    assert len(naming) <= 2  # the data once, the model once: never once per check
    assert _snapshot(root) == after  # the check changed nothing either (.sekit/ aside)


def test_what_init_found_on_the_dvc_layouts(tmp_path: Path) -> None:
    from sekit.adopt import discover

    team13 = discover(make_tree(REPOSITORIES["team13-model-training"], tmp_path / "a"))
    assert team13.train is not None and team13.train.value == "output/reviews.tsv"
    assert "output/reviews.tsv.dvc" in team13.train.why and "dvc pull" in team13.train.why
    assert team13.label is not None and team13.label.value == "Liked"
    assert team13.model is not None and team13.model.value == "output/model-gauss.jbl"
    assert any("output/vectorizer.pkl" in u for u in team13.undecided)
    team8 = discover(make_tree(REPOSITORIES["team8-model-training"], tmp_path / "b"))
    assert team8.train is not None and team8.train.value == "data/raw/raw_data.tsv"
    assert team8.model is not None and team8.model.value == "models/sentiment_classifier.joblib"
    service = discover(make_tree(REPOSITORIES["team13-app-service"], tmp_path / "c"))
    assert service.service is not None
    assert service.service.value == "flask --app app:app run --host 127.0.0.1 --port {port}"
    assert service.health is not None and service.health.value == "/health"


UI = (
    'from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get("/health")\n'
    'def health():\n    return {}\n\n\n@app.post("/ask")\ndef ask():\n    return {}\n'
)
SERVICE = UI.replace('"/ask"', '"/predict"').replace("def ask", "def predict")


@pytest.mark.parametrize(
    ("layout", "command"),
    [
        ({}, "uvicorn src.clinic.serve:app --host 127.0.0.1 --port {port}"),
        (
            {"src/clinic/__init__.py": ""},
            "uvicorn clinic.serve:app --app-dir src --host 127.0.0.1 --port {port}",
        ),
    ],
)
def test_the_model_service_is_chosen_over_the_user_interface(
    layout: dict[str, str], command: str, tmp_path: Path
) -> None:
    """The scaffold's layout: ``app.py`` (the user interface, first by name) and ``serve.py``
    (the model service, with /predict). The service is the one with a prediction route; in a
    ``src/`` package it is imported by its package name; the choice is said."""
    from sekit.adopt import discover

    files = {"src/clinic/app.py": UI, "src/clinic/serve.py": SERVICE, **layout}
    found = discover(make_tree(files, tmp_path / "r"))
    assert found.service is not None and found.service.value == command
    assert "src/clinic/serve.py: app = FastAPI(...)" in found.service.why
    assert found.endpoint is not None and found.endpoint.value == "/predict"
    assert (
        "[service]: chose src/clinic/serve.py of 2 apps (it has a prediction route; "
        "also src/clinic/app.py): check it" in found.undecided
    )
    alone = discover(make_tree({"src/clinic/app.py": UI, **layout}, tmp_path / "ui"))
    assert alone.service is not None and "clinic" in alone.service.value  # the only app
    assert not any(u.startswith("[service]: chose") for u in alone.undecided)


def test_init_writes_each_guess_with_its_reason(tmp_path: Path) -> None:
    root = make_tree(REPOSITORIES["team13-model-training"], tmp_path / "repo")
    result = CliRunner().invoke(cli, ["init", str(root)])
    assert result.exit_code == 0, result.output
    text = (root / "sekit.toml").read_text()
    assert (
        'label = "Liked"   # review_rating/modeling/prepare_data.py:6: y = dataset["Liked"]' in text
    )
    assert "# test = ...   # no test split found" in text
    assert "[model].loader: the model is used after output/vectorizer.pkl" in " ".join(
        result.output.split()
    )
    assert not (root / ".github/workflows/sekit.yml").exists()  # only when asked
    assert not (root / ".pre-commit-config.yaml").exists()


def test_init_never_changes_an_existing_file(tmp_path: Path) -> None:
    root = make_tree(
        {**REPOSITORIES["team8-model-training"], "sekit.toml": "# ours\n"}, tmp_path / "r"
    )
    result = CliRunner().invoke(cli, ["init", str(root)])
    assert result.exit_code == 2
    assert "sekit.toml: exists; sekit init never changes a file" in " ".join(result.output.split())
    assert (root / "sekit.toml").read_text() == "# ours\n"
    beside = CliRunner().invoke(
        cli, ["init", str(root), "--output", str(root / "sekit.guess.toml")]
    )
    assert beside.exit_code == 0, beside.output
    assert (root / "sekit.toml").read_text() == "# ours\n"
    assert 'label = "Liked"' in (root / "sekit.guess.toml").read_text()
    again = CliRunner().invoke(cli, ["init", str(root), "--output", str(root / "sekit.guess.toml")])
    assert again.exit_code == 2


def test_init_leaves_an_existing_hook_file_and_says_what_to_add(tmp_path: Path) -> None:
    root = make_tree(REPOSITORIES["team8-model-training"], tmp_path / "r")
    hooks = (root / ".pre-commit-config.yaml").read_text()
    result = CliRunner().invoke(cli, ["init", str(root), "--pre-commit"])
    assert result.exit_code == 0, result.output
    assert (root / ".pre-commit-config.yaml").read_text() == hooks
    assert "not written: .pre-commit-config.yaml: exists" in result.output
    assert "entry: sekit config validate" in result.output


def test_tool_sekit_in_pyproject_is_a_config_too(tmp_path: Path) -> None:
    files = {**REPOSITORIES["team8-model-training"]}
    files["pyproject.toml"] = '[project]\nname = "x"\n\n[tool.sekit.project]\nname = "x"\n'
    root = make_tree(files, tmp_path / "r")
    result = CliRunner().invoke(cli, ["init", str(root)])
    assert result.exit_code == 2
    assert not (root / "sekit.toml").exists()


def test_nothing_found_is_exit_2_and_writes_nothing(tmp_path: Path) -> None:
    root = make_tree(NOTHING["team7-model-training"], tmp_path / "r")
    before = _snapshot(root)
    result = CliRunner().invoke(cli, ["init", str(root), "--ci"])
    assert result.exit_code == 2
    assert "found no data, model or service" in " ".join(result.output.split())
    assert "DVC versions folders (dataset)" in " ".join(result.output.split())
    assert _snapshot(root) == before


def test_the_ci_job_and_hook_validate_against_their_schemas(tmp_path: Path) -> None:
    import shutil
    import subprocess
    import sys

    root = make_tree(REPOSITORIES["team13-model-training"], tmp_path / "r")
    assert CliRunner().invoke(cli, ["init", str(root), "--ci", "--pre-commit"]).exit_code == 0
    tool = shutil.which("check-jsonschema") or str(Path(sys.executable).parent / "check-jsonschema")
    precommit = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")
    for command in (
        [tool, "--builtin-schema", "vendor.github-workflows", ".github/workflows/sekit.yml"],
        [precommit, "validate-config", ".pre-commit-config.yaml"],
    ):
        done = subprocess.run(command, cwd=root, capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    workflow = (root / ".github/workflows/sekit.yml").read_text()
    assert "run: dvc pull" in workflow  # the data is in DVC
    assert "sekit grade . --attest .sekit/attestation.json" in workflow
