"""`sekit up` with real processes: what a service binds is read from its sockets, everything it
started is stopped (also what left its process group), and a failure is one line."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from sekit_cli.app import cli
from tests.checks.load.test_load import leftovers
from tests.system.conftest import Compose

pytestmark = pytest.mark.services


# a second port, on every address: a debug or metrics listener the command line never shows
SECOND = "import socket\nwide = socket.socket()\nwide.bind(('0.0.0.0', 0))\nwide.listen()"


@pytest.mark.parametrize(
    ("command", "before"),
    [
        (f"{sys.executable} -m http.server {{port}}", ""),  # binds every address, silently
        (None, SECOND),
    ],
    ids=["http.server", "second-port"],
)
def test_a_service_listening_beyond_loopback_stops_the_system(
    compose: Compose, command: str | None, before: str
) -> None:
    path = compose(command=command, before=before)
    # the file alone cannot tell: --check passes ...
    assert CliRunner().invoke(cli, ["up", "--check", "--file", str(path)]).exit_code == 0
    result = CliRunner().invoke(cli, ["up", "--file", str(path), "--", "true"])
    assert result.exit_code == 2, result.output  # ... its sockets tell
    assert "web listens on" in result.stderr and "(every address)" in result.stderr
    assert "not only on loopback" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert not leftovers(f"http.server {path.parent.name}") and not leftovers(str(path.parent))


def test_a_child_that_left_the_process_group_is_stopped_too(compose: Compose) -> None:
    marker = uuid.uuid4().hex
    # the service starts a process in a session of its own (setsid), which outlives its group
    before = (
        f"subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(300)', '{marker}'], "
        "start_new_session=True)"
    )
    path = compose(before=before)
    result = CliRunner().invoke(
        cli,
        ["up", "--file", str(path), "--", sys.executable, "-c", f"print({len(marker)})"],
    )
    assert result.exit_code == 0, result.output
    assert not leftovers(marker)


def test_a_service_that_fails_is_one_line_and_its_log_with_debug(compose: Compose) -> None:
    before = "\n".join(f"print('noise {i}')" for i in range(40)) + "\nraise SystemExit('boom')"
    path = compose(before=before)
    result = CliRunner().invoke(cli, ["up", "--file", str(path), "--", "true"])
    assert result.exit_code == 2, result.output
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "web exited with 1" in result.stderr and "ending: boom" in result.stderr
    debug = CliRunner().invoke(cli, ["--debug", "up", "--file", str(path), "--", "true"])
    assert debug.exit_code == 2 and "noise 39" in debug.stderr


def test_files_are_copied_only_inside_the_project(compose: Compose, tmp_path: Path) -> None:
    outside = tmp_path.parent / f"{tmp_path.name}-outside.yml"
    outside.write_text("precious")
    (tmp_path / "monitoring").mkdir()
    (tmp_path / "monitoring" / "link.yml").symlink_to(outside)
    path = compose(x_sekit={"files": ["monitoring/link.yml"]})
    result = CliRunner().invoke(cli, ["up", "--file", str(path), "--", "true"])
    assert result.exit_code == 2, result.output
    assert "(services.web.x-sekit.files): is outside the project's folder" in result.stderr
    assert outside.read_text() == "precious"
    outside.unlink()
