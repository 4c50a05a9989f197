"""Finding and loading the config: search order, path resolution, pyproject support."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sekit.config.loader import find_config, load_config
from sekit.config.schema import parse_duration
from sekit.errors import ConfigError

FULL = """
[project]
name = "wine-quality"
team = ["Ana", "Ben", "Caro", "Dan"]

[data]
train = "data/processed/train.csv"
test = "data/processed/test.csv"
label = "quality"
production = "logs/requests.jsonl"

[data.columns.alcohol]
type = "float"
min = 0
max = 20
nullable = false
[data.columns.color]
type = "category"
allowed = ["red", "white"]

[model]
path = "models/model.joblib"
task = "classification"

[[behaviour]]
kind = "invariance"
feature = "color"
[[behaviour]]
kind = "directional"
feature = "alcohol"
expect = "non-decreasing"
output = "proba:good"
[[behaviour]]
kind = "minimum"
cases = "tests/behaviour/minimum.csv"
min_accuracy = 1.0

[service]
command = "uvicorn wine_quality.serve:app --host 127.0.0.1 --port {port}"
health = "/health"
endpoint = "/predict"
method = "POST"
payload = "tests/load/payload.json"

[load]
users = 20
spawn_rate = 10
duration = "20s"

[gates]
"data.missing_ratio" = { max = 0.05 }
"model.accuracy" = { min = 0.85 }
"behaviour.failures" = { max = 0 }
"load.p95_ms" = { max = 200 }
"load.error_rate" = { max = 0.01 }
"""

Tree = Callable[[dict[str, str | bytes]], Path]


def test_the_spec_example_loads(tree: Tree) -> None:
    root = tree({"sekit.toml": FULL})
    config = load_config(root / "sekit.toml")
    assert config.project.team == ["Ana", "Ben", "Caro", "Dan"]
    assert config.data is not None and config.model is not None
    assert config.data.train == root.resolve() / "data/processed/train.csv"
    assert config.data.columns["alcohol"].max == 20
    assert [b.kind for b in config.behaviour] == ["invariance", "directional", "minimum"]
    assert config.load.duration == 20.0
    assert set(config.gates) == {
        "data.missing_ratio",
        "model.accuracy",
        "behaviour.failures",
        "load.p95_ms",
        "load.error_rate",
    }
    assert config.root == root.resolve()


def test_found_upward_from_a_subfolder(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tree({"sekit.toml": '[project]\nname = "up"\n', "src/pkg/deep/x.py": ""})
    monkeypatch.chdir(root / "src/pkg/deep")
    assert find_config() == (root / "sekit.toml").resolve()
    assert load_config().project.name == "up"


def test_sekit_toml_wins_over_pyproject(tree: Tree) -> None:
    root = tree(
        {
            "sekit.toml": '[project]\nname = "from-sekit"\n',
            "pyproject.toml": '[tool.sekit.project]\nname = "from-pyproject"\n',
        }
    )
    assert load_config(root).project.name == "from-sekit"


def test_pyproject_tool_sekit_with_project_name_fallback(tree: Tree) -> None:
    root = tree({"pyproject.toml": '[project]\nname = "pkg"\n[tool.sekit.data]\ntrain = "d.csv"\n'})
    config = load_config(root)
    assert config.project.name == "pkg"
    assert config.data is not None and config.data.train == root.resolve() / "d.csv"


def test_pyproject_without_tool_sekit_is_passed_over(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tree(
        {
            "sekit.toml": '[project]\nname = "outer"\n',
            "inner/pyproject.toml": '[project]\nname = "inner"\n',
        }
    )
    monkeypatch.chdir(root / "inner")
    assert load_config().project.name == "outer"


def test_nested_gate_tables_mean_dotted_metrics(tree: Tree) -> None:
    root = tree(
        {
            "sekit.toml": '[project]\nname = "x"\n[gates.model]\naccuracy = { min = 0.8 }\n'
            "[gates.load]\np95_ms = { max = 100 }\n"
        }
    )
    gates = load_config(root).gates
    assert gates["model.accuracy"].min == 0.8
    assert gates["load.p95_ms"].max == 100


def test_absolute_paths_are_kept(tree: Tree, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.csv"
    root = tree({"p/sekit.toml": f'[project]\nname = "x"\n[data]\ntrain = "{target}"\n'})
    config = load_config(root / "p")
    assert config.data is not None and config.data.train == target


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        (20, 20.0),
        (1.5, 1.5),
        ("20s", 20.0),
        ("500ms", 0.5),
        ("2m", 120.0),
        ("1m30s", 90.0),
        ("1h", 3600.0),
        (" 3s ", 3.0),
        ("1d", 86400.0),
        ("1w", 604800.0),
        ("1w2d", 777600.0),
        ("1h 30m", 5400.0),
        ("1.5d", 129600.0),
    ],
)
def test_durations(text: object, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    "text", ["", "s", "20 seconds", "-3s", True, "1x", "ms", "1s1h", "1d1d", "1dd", "3 days"]
)
def test_bad_durations(text: object) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_load_config_error_is_a_config_error(tree: Tree) -> None:
    root = tree({"sekit.toml": "[project]\n"})
    with pytest.raises(ConfigError) as info:
        load_config(root)
    assert (
        info.value.problems == ["sekit.toml: project.name: required key is missing"]
        or "project.name: required key is missing" in info.value.problems[0]
    )


def test_without_a_project_table_the_folder_names_the_project(tree: Tree) -> None:
    """docs/howto/endpoint.md: `[data]` and `[model]` are all sekit needs."""
    root = tree(
        {
            "reviews-endpoint/sekit.toml": '[data]\ntest = "t.csv"\nlabel = "label"\n'
            '[model]\nendpoint = "http://127.0.0.1:8000/predict"\ninput = "text"\n',
            "reviews-endpoint/t.csv": "text,label\nfine,pos\n",
        }
    )
    config = load_config(root / "reviews-endpoint" / "sekit.toml")
    assert config.project.name == "reviews-endpoint"
    assert config.project.team == []
