"""Help on every command, the static top-level help, and what `--help` imports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import sekit_cli._help
from sekit import __version__
from sekit_cli.app import COMMANDS, cli


def all_commands() -> list[tuple[list[str], click.Command]]:
    found: list[tuple[list[str], click.Command]] = []
    ctx = click.Context(cli)
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        assert command is not None
        found.append(([name], command))
        if isinstance(command, click.Group):
            for sub in command.list_commands(ctx):
                sub_command = command.get_command(ctx, sub)
                assert sub_command is not None
                found.append(([name, sub], sub_command))
    return found


@pytest.mark.parametrize(
    ("path", "command"), all_commands(), ids=[" ".join(p) for p, _ in all_commands()]
)
def test_every_command_has_help_with_an_example(
    path: list[str], command: click.Command, runner: CliRunner
) -> None:
    result = runner.invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    assert f"Usage: sekit {' '.join(path)}" in result.stdout
    assert "Example" in result.stdout, f"`sekit {' '.join(path)} --help` has no example"
    assert command.short_help or command.help


def test_static_short_help_matches_the_commands() -> None:
    for name, (_, _, short) in COMMANDS.items():
        command = cli.get_command(click.Context(cli), name)
        assert command is not None and command.short_help == short, name


def test_static_top_level_help_is_what_click_renders(runner: CliRunner) -> None:
    rendered = runner.invoke(cli, ["--help"]).stdout
    if os.environ.get("SEKIT_UPDATE_HELP") == "1":
        path = Path(sekit_cli._help.__file__)
        head = path.read_text().split("TOP_LEVEL_HELP = ")[0]
        body = "\n".join(f"    {line!r}" for line in rendered.splitlines(keepends=True))
        path.write_text(f"{head}TOP_LEVEL_HELP = (\n{body}\n)\n")
        pytest.skip("rewrote cli/_help.py")
    assert rendered == sekit_cli._help.TOP_LEVEL_HELP, (
        "cli/_help.py is stale: run SEKIT_UPDATE_HELP=1 pytest tests/cli/test_help.py"
    )


HEAVY = (
    "pandas",
    "sklearn",
    "scipy",
    "hypothesis",
    "deepchecks",
    "locust",
    "gevent",
    "pyarrow",
    "numpy",
)


def run_cli(args: list[str], cache: Path) -> tuple[str, set[str]]:
    """What ``sekit ARGS`` prints and the modules it imported, in a fresh interpreter whose help
    cache is ``cache``."""
    code = (
        "import sys\nfrom sekit_cli.main import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write(' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "SEKIT_CACHE_DIR": str(cache), "COLUMNS": "80"},
    )
    return done.stdout, set(done.stderr.split())


def modules_after(args: list[str]) -> set[str]:
    import tempfile

    with tempfile.TemporaryDirectory() as empty:  # nothing kept: the command renders its help
        return run_cli(args, Path(empty))[1]


def test_top_level_help_imports_no_heavy_library_and_not_even_click() -> None:
    loaded = modules_after(["--help"])
    assert not {m.split(".")[0] for m in loaded} & {*HEAVY, "click", "rich", "pydantic"}


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--help"],
        ["gate", "--help"],
        ["report", "--help"],
        ["config", "validate", "--help"],
    ],
)
def test_command_help_imports_no_heavy_library(args: list[str]) -> None:
    loaded = {m.split(".")[0] for m in modules_after(args)}
    assert "click" in loaded
    assert not loaded & set(HEAVY)


def test_check_help_is_kept_and_then_served_without_click_or_pydantic(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered = runner.invoke(cli, ["check", "--help"], terminal_width=80).stdout
    first, loaded = run_cli(["check", "--help"], tmp_path)
    assert first == rendered and "click" in loaded  # rendered by click, and kept
    assert len(list(tmp_path.glob("help-*.txt"))) == 1
    again, loaded = run_cli(["check", "--help"], tmp_path)
    assert again == rendered
    assert not {m.split(".")[0] for m in loaded} & {*HEAVY, "click", "pydantic"}
    # installing, removing or upgrading a distribution (a plugin suite) is another key
    import sekit_cli._cached_help as cached

    monkeypatch.setenv("SEKIT_CACHE_DIR", str(tmp_path))
    now = cached.path(["check", "--help"])
    assert now.is_file()
    monkeypatch.setattr(cached, "_installed", lambda: ["sekit_privacy-0.2.dist-info"])
    assert cached.path(["check", "--help"]) != now and cached.read(["check", "--help"]) is None


def test_version(runner: CliRunner) -> None:
    assert runner.invoke(cli, ["--version"]).stdout == f"sekit {__version__}\n"
    done = subprocess.run(
        [sys.executable, "-m", "sekit", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout == f"sekit {__version__}\n"


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sekit", "gate", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.startswith("Usage: sekit gate")


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts(shell: str, runner: CliRunner) -> None:
    result = runner.invoke(cli, ["completion", shell])
    assert result.exit_code == 0
    assert "_SEKIT_COMPLETE" in result.stdout
