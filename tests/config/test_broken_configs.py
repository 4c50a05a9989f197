"""The broken-config corpus: every case exits 2 with one message naming the file and key."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sekit_cli.app import cli

BROKEN = Path(__file__).parent / "broken"
CASES = sorted(BROKEN.glob("*.toml"))


def _expected(path: Path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name} must start with '# expect: ...'"
    return first.removeprefix("# expect: ")


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_broken_config_exits_2_naming_the_key(
    case: Path, runner: CliRunner, tmp_path: Path
) -> None:
    config = tmp_path / "sekit.toml"
    config.write_bytes(case.read_bytes())
    result = runner.invoke(cli, ["config", "validate", "--config", str(config)])
    assert result.exit_code == 2, result.output
    assert _expected(case) in result.stderr
    assert "sekit.toml" in result.stderr
    assert "Traceback" not in result.output
    assert all(line.startswith("sekit: error: ") for line in result.stderr.splitlines())


BYTES_CASES = {
    "empty": (b"", "the config is empty"),
    "whitespace": (b"\n  \n\t\n", "the config is empty"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
    "latin-1": ('[project]\nname = "Caf\xe9"\n'.encode("latin-1"), "not valid UTF-8"),
    "utf-16": ('[project]\nname = "x"\n'.encode("utf-16"), "not"),
}


@pytest.mark.parametrize("name", list(BYTES_CASES))
def test_unreadable_config_files(name: str, runner: CliRunner, tmp_path: Path) -> None:
    content, expected = BYTES_CASES[name]
    config = tmp_path / "sekit.toml"
    config.write_bytes(content)
    result = runner.invoke(cli, ["config", "validate", "--config", str(config)])
    assert result.exit_code == 2
    assert expected in result.stderr
    assert str(config) in result.stderr
    assert "Traceback" not in result.output


PYPROJECT_CASES = {
    "no tool.sekit": ('[project]\nname = "x"\n', "no [tool.sekit] table"),
    "tool.sekit not a table": ("[tool]\nsekit = 3\n", "tool.sekit: expected a table"),
    "bad key under tool.sekit": (
        '[tool.sekit.data]\ntrain = "a.csv"\nlable = "y"\n[tool.sekit.project]\nname = "x"\n',
        "tool.sekit.data.lable: unknown key (did you mean 'label'?)",
    ),
}


@pytest.mark.parametrize("name", list(PYPROJECT_CASES))
def test_broken_pyproject(name: str, runner: CliRunner, tmp_path: Path) -> None:
    text, expected = PYPROJECT_CASES[name]
    (tmp_path / "pyproject.toml").write_text(text)
    result = runner.invoke(
        cli, ["config", "validate", "--config", str(tmp_path / "pyproject.toml")]
    )
    assert result.exit_code == 2
    assert expected in result.stderr
    assert "pyproject.toml" in result.stderr


def test_config_path_that_does_not_exist(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["config", "validate", "--config", str(tmp_path / "nope.toml")])
    assert result.exit_code == 2
    assert "nope.toml: config file not found" in result.stderr


def test_folder_without_config(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["config", "validate", "--config", str(tmp_path)])
    assert result.exit_code == 2
    assert "no sekit.toml or pyproject.toml in this folder" in result.stderr


def test_no_config_anywhere(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 2
    assert "no sekit.toml (or [tool.sekit] in pyproject.toml)" in result.stderr
    assert "sekit new NAME" in result.stderr


def test_several_problems_are_all_listed(runner: CliRunner, tmp_path: Path) -> None:
    config = tmp_path / "sekit.toml"
    config.write_text('[project]\nname = "x"\n[load]\nusers = 0\nduraton = "5s"\n')
    result = runner.invoke(cli, ["config", "validate", "--config", str(config)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert any("load.users: must be at least 1" in line for line in lines)
    assert any("load.duraton: unknown key (did you mean 'duration'?)" in line for line in lines)
