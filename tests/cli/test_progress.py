"""Progress while checks run: a live spinner only on a real terminal; anywhere else (a CI log,
a pipe, a file) one plain line per check, once, before the result, whatever FORCE_COLOR or
TTY_COMPATIBLE say (GitHub Actions users often set FORCE_COLOR for coloured logs; rich then
took the log for a terminal and wrote the spinner's frames and its lines again)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from sekit.checks.suite import Suite
from sekit_cli.app import cli
from tests.helpers import MINIMAL_CONFIG, fake_check

Tree = Callable[[dict[str, str | bytes]], Path]


@pytest.mark.parametrize("env", [{}, {"FORCE_COLOR": "1"}, {"TTY_COMPATIBLE": "1"}])
def test_progress_lines_are_written_once_before_the_result(
    tree: Tree,
    isolated_suites: dict[str, Suite],
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
) -> None:
    monkeypatch.chdir(tree({"sekit.toml": MINIMAL_CONFIG}))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    fake_check("data.rows", metrics={"rows": 100})
    fake_check("data.drift", metrics={"drift_share": 0.0})
    result = CliRunner().invoke(cli, ["check", "data"])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert [line.split(" (")[0] for line in lines] == [
        "[1/2] data.rows: pass",
        "[2/2] data.drift: pass",
    ]
    assert "\x1b[" not in result.stderr.replace("\x1b[1;32m", "").replace("\x1b[0m", "")
    assert "\r" not in result.stderr
