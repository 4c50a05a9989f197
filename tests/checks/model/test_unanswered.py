"""``model.quality`` of a model that is an endpoint measures answers: an endpoint that never
answers in time (every call a time-out) measured nothing, and the check ends ``error`` (it
blocks), never "accuracy 0.000" and a pass. A few calls without an answer still count as wrong
answers, as users meet them. Reproduction from issue 30, against a real HTTP server on
loopback that holds the calls it should not answer."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from sekit.checks.context import Context
from sekit.checks.model.quality import check_quality
from sekit.config.loader import load_config
from sekit.results import Status

HOLD_S = 4.0  # a held call outlasts call_timeout (1 s: generous on a loaded machine)
CONFIG = """[project]
name = "reviews"

[data]
test = "test.csv"
label = "label"

[model]
endpoint = "http://127.0.0.1:{port}/predict"
input = "text"
output = "label"
call_timeout = "1s"
"""


class Answers(BaseHTTPRequestHandler):
    """Answers 'positive', except to texts with 'hold' in them (held past the time-out)."""

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if "hold" in body["text"]:
            time.sleep(HOLD_S)
        payload = json.dumps({"label": "positive"}).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:  # the client gave up on a held call
            pass

    def log_message(self, format: str, *args: object) -> None:
        pass


class Server(ThreadingHTTPServer):
    request_queue_size = 64  # the default backlog of 5 drops connects under 8 at once


@pytest.fixture
def port() -> Iterator[int]:
    server = Server(("127.0.0.1", 0), Answers)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def quality(root: Path, port: int, held: int, rows: int = 20) -> Context:
    texts = [f"review {i} {'hold' if i < held else 'fine'}" for i in range(rows)]
    lines = [
        "text,label",
        *(f"{t},{'positive' if i % 4 else 'negative'}" for i, t in enumerate(texts)),
    ]
    (root / "test.csv").write_text("\n".join(lines) + "\n")
    (root / "sekit.toml").write_text(CONFIG.format(port=port))
    return Context(load_config(root / "sekit.toml"))


def test_an_endpoint_that_never_answers_in_time_measured_nothing(tmp_path: Path, port: int) -> None:
    ctx = quality(tmp_path, port, held=20)
    try:
        result = check_quality(ctx)
    finally:
        ctx.close()
    assert result.status is Status.ERROR, result.summary
    assert "20 of 20" in result.summary and "timeout" in result.summary
    [error] = [f for f in result.findings if f.kind == "check_error"]
    assert error.evidence["cause"] == "unmeasured"


def test_most_calls_without_an_answer_are_not_a_measurement(tmp_path: Path, port: int) -> None:
    ctx = quality(tmp_path, port, held=12)
    try:
        result = check_quality(ctx)
    finally:
        ctx.close()
    assert result.status is Status.ERROR, result.summary
    assert "12 of 20" in result.summary


def test_a_few_calls_without_an_answer_count_as_wrong_answers(tmp_path: Path, port: int) -> None:
    ctx = quality(tmp_path, port, held=2)
    try:
        result = check_quality(ctx)
    finally:
        ctx.close()
    assert result.status is Status.PASS, result.summary
    # 15 of 20 are positive; the two held ones (rows 0 and 1: negative, positive) count wrong
    assert result.metrics["accuracy"] == pytest.approx(14 / 20)
    assert "2 of 20 rows had no answer" in result.summary
