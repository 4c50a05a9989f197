"""examples/: current with the templates, the broken variants only their edits, and each gate
ends as the README promises."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sekit.scaffold import create, without_git
from sekit.scaffold.examples import broken, plans
from sekit.scaffold.variants import VARIANTS, plan_variant
from sekit_cli.app import cli
from tests.helpers import dvc_repro

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXPECTED = {
    "classification": None,
    "regression": None,
    "endpoint": None,
    **{f"broken/{name}": v.expect for name, v in VARIANTS.items() if v.example},
}


def test_the_committed_examples_are_what_the_templates_generate() -> None:
    for project in plans(EXAMPLES):
        on_disk = {
            p.relative_to(project.target).as_posix()
            for p in project.target.rglob("*")
            if p.is_file() and not _ignored(p, project.target)
        }
        assert on_disk == set(project.files), (
            f"{project.target} is stale: run python -m sekit.scaffold.examples examples"
        )
        for relative, content in project.files.items():
            assert (project.target / relative).read_text() == content, relative
    expected = broken(EXAMPLES)
    on_disk = {p for p in (EXAMPLES / "broken").rglob("*") if p.is_file()}
    assert on_disk == set(expected), "examples/broken is stale: python -m sekit.scaffold.examples"
    for path, text in expected.items():
        assert path.read_text() == text, path


def test_no_example_is_a_copy_of_another() -> None:
    """A broken example is its edits, never a second copy of a project (issue 23)."""
    for folder in (EXAMPLES / "broken").iterdir():
        assert sorted(p.name for p in folder.iterdir()) == ["README.md", "variant.diff"]


def test_a_variant_diff_applied_to_the_example_is_the_broken_project(tmp_path: Path) -> None:
    import subprocess

    for name in (n for n, v in VARIANTS.items() if v.example):
        copy = tmp_path / name
        shutil.copytree(EXAMPLES / "classification", copy)
        patch = (EXAMPLES / "broken" / name / "variant.diff").read_text()
        subprocess.run(["git", "apply", "-p1", "-"], cwd=copy, input=patch, text=True, check=True)
        wanted = without_git(plan_variant(name, project="classification-demo"))
        for relative, content in wanted.files.items():
            if (copy / relative).is_file():
                assert (copy / relative).read_text() == content, (name, relative)


def _ignored(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    produced = {
        "data",
        "models",
        "reports",
        "runs",
        "logs",
        ".sekit",
        "__pycache__",
        ".ruff_cache",
        ".pytest_cache",
        ".mypy_cache",
        ".hypothesis",
    }
    return bool(produced & set(parts))


def test_there_are_three_broken_variants_at_least() -> None:
    assert len([v for v in VARIANTS.values() if v.example]) >= 3
    assert {v.expect for v in VARIANTS.values()} >= {
        "label_leakage",
        "latency",
        "directional_violation",
    }


@pytest.mark.services
@pytest.mark.parametrize("example", list(EXPECTED))
def test_each_example_trains_and_gates_as_documented(
    example: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    if example.startswith("broken/"):
        create(without_git(plan_variant(example.split("/")[1], target=project)), git=False)
    else:
        shutil.copytree(EXAMPLES / example, project)
    config = project / "sekit.toml"
    config.write_text(config.read_text().replace('duration = "10s"', 'duration = "4s"'))
    dvc_repro(project)
    monkeypatch.setenv("PYTHONPATH", str(project / "src"))
    monkeypatch.chdir(project)
    result = CliRunner().invoke(cli, ["gate", "--format", "json"])
    report = json.loads(result.stdout)
    blocking = {
        f["kind"] for c in report["checks"] for f in c["findings"] if f["severity"] == "fail"
    }
    if EXPECTED[example] is None:
        assert result.exit_code == 0, blocking
    else:
        assert result.exit_code == 1
        assert EXPECTED[example] in blocking
