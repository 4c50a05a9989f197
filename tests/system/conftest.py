"""A compose.yaml of small real services (Python's own servers), written per test."""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

Compose = Callable[..., Path]

# A health endpoint on 127.0.0.1 that also runs what the test adds before serving
SERVER = """
import http.server, subprocess, sys
{before}
port = int(sys.argv[1])
handler = http.server.SimpleHTTPRequestHandler
http.server.ThreadingHTTPServer(("127.0.0.1", port), handler).serve_forever()
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def compose(tmp_path: Path) -> Compose:
    """``compose(x_sekit={...}, before="...", service={...})``: compose.yaml with one service
    ``web`` on a free port, its x-sekit command a Python server (``{port}`` in a given command
    is the port)."""

    def make(
        *,
        x_sekit: dict[str, Any] | None = None,
        before: str = "",
        service: dict[str, Any] | None = None,
        command: str | None = None,
        health: str = "/",
    ) -> Path:
        port = free_port()
        (tmp_path / "server.py").write_text(SERVER.format(before=before))
        default = f"{sys.executable} server.py {port}"
        extension = {
            "command": (command or default).replace("{port}", str(port)),
            "health": health,
            **(x_sekit or {}),
        }
        body: dict[str, Any] = {
            "image": "python:3.11",
            "ports": [f"{port}:{port}"],
            "healthcheck": {"test": ["CMD", "curl", f"http://127.0.0.1:{port}{health}"]},
            "x-sekit": extension,
            **(service or {}),
        }
        path = tmp_path / "compose.yaml"
        path.write_text(yaml.safe_dump({"services": {"web": body}}, sort_keys=False))
        return path

    return make
