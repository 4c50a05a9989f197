"""The real chat model (``python -m sekit.llmserve``) on a free loopback port, for the tests
and the benchmarks."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx

from sekit.subjects.service import free_port


class LocalModel:
    """``with LocalModel(log) as model:`` then call ``model.url + "/v1/chat/completions"``."""

    def __init__(self, log: Path, *extra: str) -> None:
        self.log = log
        self.extra = extra

    def __enter__(self) -> LocalModel:
        for _ in range(3):  # a port another process took between probe and bind: try again
            if self._start():
                return self
        raise RuntimeError(f"the local model did not start (log: {self.log})")

    def _start(self) -> bool:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "sekit.llmserve", "--port", str(self.port), *self.extra]
        with self.log.open("ab") as sink:
            self.process = subprocess.Popen(command, stdout=sink, stderr=sink)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                health = httpx.get(f"{self.url}/health", timeout=2).json()
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

    def __exit__(self, *exc: object) -> None:
        self.stop()
