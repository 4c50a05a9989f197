"""One of the classifiers of :mod:`tests.endpoints.app`, served by uvicorn on loopback (a real
process on a free port), for the tests and the benchmark."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from sekit.subjects.service import free_port

ROOT = Path(__file__).resolve().parents[2]


class Endpoint:
    def __init__(self, kind: str, log: Path) -> None:
        for _ in range(3):  # a port another process took between probe and bind: try again
            if self._start(kind, log):
                return
        raise RuntimeError(f"the {kind} endpoint did not start (log: {log})")

    def _start(self, kind: str, log: Path) -> bool:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        command = [sys.executable, "-m", "uvicorn", "--factory", f"tests.endpoints.app:{kind}"]
        command += ["--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"]
        # its log goes to a file: a pipe nobody reads fills with the tracebacks of its 500s,
        # and then the server blocks
        with log.open("ab") as sink:
            self.process = subprocess.Popen(command, env=env, stdout=sink, stderr=sink)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                health = httpx.get(f"{self.url}/health", timeout=1).json()
                if health.get("pid") == self.process.pid:  # ours, not another's on the port
                    return True
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.2)
        self.stop()
        return False

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
