"""examples/: current with the templates, and each gate ends as the README promises."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sekit.scaffold.examples import plans
from sekit.scaffold.variants import VARIANTS
from sekit_cli.app import cli
from tests.helpers import dvc_repro

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXPECTED = {
    "classification": None,
    "regression": None,
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


@pytest.mark.slow
@pytest.mark.parametrize("example", list(EXPECTED))
def test_each_example_trains_and_gates_as_documented(
    example: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
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
