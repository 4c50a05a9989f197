"""Contract tests against the real chat model (started on loopback for the tests) and against a
real server that misbehaves on purpose (429s, then answers)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from llm_demo import call
from llm_demo.config import SCHEMA, params
from llm_demo.parse import parse
from llm_demo.prompt import read_prompt, request


@pytest.fixture(scope="module")
def model() -> Iterator[str]:
    with call.local_model() as url:
        yield url


def test_the_model_answers_within_the_contract_and_reports_its_tokens(model: str) -> None:
    settings = {**params("prompt"), "temperature": 0.0}
    body = request(read_prompt(), {"id": "a", "text": "The food was wonderful."}, 0, settings)[
        "body"
    ]
    with httpx.Client() as http:
        answer = call.ask(http, model, body, params("call"))
    assert not answer["fallback"] and answer["prompt_tokens"] > 50
    parsed = parse(answer["content"], json.loads(SCHEMA.read_text()), "unknown")
    assert parsed == {"label": "positive", "fallback": False}


@pytest.fixture
def throttled() -> Iterator[tuple[str, list[float]]]:
    """A real server that answers 429 (Retry-After: 0.1) twice, then a chat completion."""
    seen: list[float] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            import time

            self.rfile.read(int(self.headers["Content-Length"]))
            seen.append(time.monotonic())
            answer = {"choices": [{"message": {"content": '{"label": "positive"}'}}],
                      "usage": {"prompt_tokens": 9, "completion_tokens": 5}}  # fmt: skip
            status, body = (429, {}) if len(seen) <= 2 else (200, answer)
            data = json.dumps(body).encode()
            self.send_response(status)
            if status == 429:
                self.send_header("Retry-After", "0.1")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1/chat/completions", seen
    server.shutdown()


def test_the_client_waits_as_told_and_gets_through(throttled: tuple[str, list[float]]) -> None:
    url, seen = throttled
    with httpx.Client() as http:
        answer = call.ask(http, url, {"messages": []}, params("call"))
    assert answer["content"] == '{"label": "positive"}' and answer["completion_tokens"] == 5
    assert len(seen) == 3 and all(b - a >= 0.09 for a, b in zip(seen, seen[1:], strict=False))


def test_the_client_falls_back_when_the_model_never_answers() -> None:
    settings = {**params("call"), "retries": 2, "backoff": 0.01, "timeout": 0.5}
    with httpx.Client() as http:
        answer = call.ask(http, "http://127.0.0.1:9/v1/chat/completions", {}, settings)
    assert answer == {"content": None, "fallback": True}
