"""``sekit up`` says where the system runs and with which admin token; ``sekit retrain`` finds
it there with no variable set (it used to say "switch skipped: MODEL_URL is not set" and leave
the running service on the old model)."""

from __future__ import annotations

import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sekit.config.loader import load_config
from sekit.retrain.loop import switch, switch_target
from sekit.system import state

pytestmark = pytest.mark.services

SERVICE = """
import json, os, sys
from http.server import BaseHTTPRequestHandler, HTTPServer

VERSION = ["v1"]


class Handler(BaseHTTPRequestHandler):
    def _send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self._send(200, {"model_version": VERSION[0]})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        token = os.environ.get("ADMIN_TOKEN")
        if not token or self.headers.get("X-Admin-Token") != token:
            self._send(403, {"detail": "wrong or missing X-Admin-Token"})
            return
        VERSION[0] = "v2:" + body["model"]
        self._send(200, {"model_version": VERSION[0]})

    def log_message(self, *args):
        pass


HTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
"""

COMPOSE = """
services:
  model:
    build: .
    ports: ["{port}:{port}"]
    environment:
      ADMIN_TOKEN: ${{ADMIN_TOKEN:-}}
    healthcheck:
      test: ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:{port}/health')"]
    x-sekit:
      command: {python} service.py {port}
      health: /health
"""

CONFIG = """
[project]
name = "loop"

[model]
path = "model.joblib"
task = "classification"

[retrain]
every = "1d"
champion = "champion.joblib"
reload = "env:MODEL_URL"
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_retrain_finds_the_running_system_with_no_variable_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()
    (tmp_path / "service.py").write_text(SERVICE)
    (tmp_path / "compose.yaml").write_text(COMPOSE.format(port=port, python=sys.executable))
    (tmp_path / "sekit.toml").write_text(CONFIG)
    for name in ("ADMIN_TOKEN", "MODEL_URL"):
        monkeypatch.delenv(name, raising=False)
    config = load_config(tmp_path / "sekit.toml")
    assert config.retrain is not None
    assert switch_target(config, config.retrain) == (None, None, "")  # nothing runs yet
    env = {k: v for k, v in os.environ.items() if k not in ("ADMIN_TOKEN", "MODEL_URL")}
    system = subprocess.Popen(
        [sys.executable, "-m", "sekit", "up"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    path = tmp_path / ".sekit" / "up" / "state.json"
    try:
        deadline = time.monotonic() + 60
        while not path.exists() and system.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert path.exists(), system.communicate(timeout=30)[0].decode()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        url, token, found_at = switch_target(config, config.retrain)
        assert url == f"http://127.0.0.1:{port}" and found_at == "the running `sekit up` (model)"
        assert token and len(token) >= 24  # a token made for this run: admin endpoints are on
        before, after = switch(
            url, "champion.joblib", token_env="ADMIN_TOKEN", allow_remote=False, token=token
        )
        assert (before, after) == ("v1", "v2:champion.joblib")
    finally:
        os.killpg(system.pid, signal.SIGTERM)
        system.communicate(timeout=60)
    assert not path.exists()  # removed at stop
    assert switch_target(config, config.retrain) == (None, None, "")


def test_a_state_file_whose_processes_are_gone_is_ignored(tmp_path: Path) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    state.write(tmp_path, {"model": ("http://127.0.0.1:8000", os.getpid(), "t0ken")})
    assert [s.name for s in state.running(tmp_path)] == ["model"]  # this process is alive
    document = json.loads((tmp_path / state.STATE).read_text())
    for changed in (
        {"pid": gone.pid},  # sekit up is gone
        {"started": "1"},  # its process id was used again by another process
        {"services": {"model": {**document["services"]["model"], "pid": gone.pid}}},
    ):
        (tmp_path / state.STATE).write_text(json.dumps({**document, **changed}))
        assert state.running(tmp_path) == [], changed
    (tmp_path / state.STATE).write_text("{not json")
    assert state.running(tmp_path) == []
