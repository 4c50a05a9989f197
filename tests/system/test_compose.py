"""compose.yaml's faults, as data: each exits 2 with one line naming the key (never exit 3,
never a traceback, nothing started)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sekit_cli.app import cli
from tests.system.conftest import Compose

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

FAULTS: dict[str, tuple[dict[str, Any], str]] = {
    "port not a number": (
        {"x_sekit": {"port": "abc"}},
        "(services.web.x-sekit.port): Input should be a valid integer",
    ),
    "health moves the host": (
        {"health": "@10.255.255.1/"},
        "(services.web.x-sekit.health): String should match pattern",
    ),
    "an absolute file": (
        {"x_sekit": {"files": ["/etc/hosts"]}},
        "(services.web.x-sekit.files): '/etc/hosts' is not a path inside the project",
    ),
    "a file above the project": (
        {"x_sekit": {"files": ["../outside.yml"]}},
        "(services.web.x-sekit.files): '../outside.yml' is not a path inside the project",
    ),
    "an unknown x-sekit key": (
        {"x_sekit": {"comand": "x"}},
        "(services.web.x-sekit.comand): Extra inputs are not permitted",
    ),
    "a startup that is not a duration": (
        {"x_sekit": {"startup": "soon"}},
        "(services.web.x-sekit.startup): expected a duration such as",
    ),
    "a command that is not a command line": (
        {"command": "python 'unclosed"},
        "(services.web.x-sekit.command): not a command line (No closing quotation)",
    ),
    "depends on a service that is not there": (
        {"service": {"depends_on": ["database"]}},
        "(services.web.depends_on): service 'web' depends on 'database', which is not a service",
    ),
    "a port that is not a number": (
        {"service": {"ports": ["abc:8000"]}},
        "(services.web.ports): 'abc:8000' is not a published port",
    ),
    "binds every address, IPv6": (
        {"command": "python -m http.server --bind :: {port}"},
        "web: x-sekit.command binds :: (every address); bind 127.0.0.1",
    ),
    "binds every address, host 0": (
        {"command": "uvicorn app:app --host 0 --port {port}"},
        "web: x-sekit.command binds 0 (every address); bind 127.0.0.1",
    ),
}


@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("check", [True, False], ids=["check", "up"])
def test_a_fault_in_compose_exits_2_in_one_line_naming_the_key(
    compose: Compose, fault: str, check: bool
) -> None:
    arguments, expected = FAULTS[fault]
    path = compose(**arguments)
    args = ["up", "--file", str(path), *(["--check"] if check else ["--", "true"])]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert expected in result.stderr
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert not (path.parent / ".sekit" / "up" / "web.log").exists()  # nothing started


def test_a_program_that_is_not_installed_is_named_with_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Prometheus is a Debian package: without it, --check must not say the system runs."""
    project = tmp_path / "project"
    shutil.copytree(EXAMPLES / "classification", project)
    bare = tmp_path / "bin"
    bare.mkdir()
    monkeypatch.setenv("PATH", str(bare))  # uvicorn is still found beside this Python
    assert (Path(sys.executable).parent / "uvicorn").exists()
    result = CliRunner().invoke(cli, ["up", "--check", "--file", str(project / "compose.yaml")])
    assert result.exit_code == 2, result.output
    assert "runs here" not in result.output
    assert result.stderr == (
        "sekit: error: prometheus: 'prometheus' is not installed here; apt-get install prometheus\n"
    )
    monkeypatch.setenv("PATH", os.defpath)
