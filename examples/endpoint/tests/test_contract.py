"""Contract tests: what the pipeline expects of the endpoint, and what it promises itself.
They run against the real offline endpoint on loopback (started for the tests) and against a
real server that misbehaves on purpose (429s, then answers)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from endpoint_demo import call
from endpoint_demo.config import params

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with call.stand_in() as url:
        yield url


def test_the_endpoint_answers_with_a_label(endpoint: str) -> None:
    for text in ("The food was wonderful.", "The room was dreadful.", "Ünïcödé 🙂 text"):
        answer = httpx.post(endpoint, json={"text": text}, timeout=5).json()
        assert answer["label"] in {"positive", "negative", "neutral"}


def test_it_tells_good_from_bad(endpoint: str) -> None:
    good = httpx.post(endpoint, json={"text": "The food was wonderful."}).json()["label"]
    bad = httpx.post(endpoint, json={"text": "The room was dreadful."}).json()["label"]
    assert (good, bad) == ("positive", "negative")


def test_an_empty_text_is_refused_not_answered(endpoint: str) -> None:
    assert httpx.post(endpoint, json={"text": "   "}).status_code == 422


def test_a_body_over_the_limit_is_answered_413_unread(endpoint: str) -> None:
    from endpoint_demo.endpoint import MAX_BODY_BYTES

    huge = {"text": "a" * (MAX_BODY_BYTES + 1)}
    assert httpx.post(endpoint, json=huge, timeout=30).status_code == 413
    chunks = iter([b" " * 4096] * 40)  # no length given: read up to the limit only
    headers = {"content-type": "application/json"}
    assert httpx.post(endpoint, content=chunks, headers=headers, timeout=30).status_code == 413


@pytest.fixture
def throttled() -> Iterator[tuple[str, list[float]]]:
    """A real server that answers 429 (Retry-After: 0.1) twice, then a label."""
    seen: list[float] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            import time

            self.rfile.read(int(self.headers["Content-Length"]))
            seen.append(time.monotonic())
            status, body = (429, {}) if len(seen) <= 2 else (200, {"label": "positive"})
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
    yield f"http://127.0.0.1:{server.server_address[1]}/predict", seen
    server.shutdown()


def test_the_client_waits_as_told_and_gets_through(throttled: tuple[str, list[float]]) -> None:
    url, seen = throttled
    with httpx.Client() as http:
        answer = call.ask(http, url, "The food was wonderful.", params("call"))
    assert answer == {"label": "positive", "fallback": False}
    assert len(seen) == 3 and all(b - a >= 0.09 for a, b in zip(seen, seen[1:], strict=False))


def test_the_client_falls_back_when_the_endpoint_never_answers() -> None:
    settings = {**params("call"), "retries": 2, "backoff": 0.01, "timeout": 0.5}
    with httpx.Client() as http:
        answer = call.ask(http, "http://127.0.0.1:9/predict", "text", settings)
    assert answer == {"label": settings["fallback"], "fallback": True}


def test_no_secret_is_in_the_repository() -> None:
    config = (ROOT / "sekit.toml").read_text()
    assert "Bearer " not in config and "sk-" not in config
    assert all("env:" in line for line in config.splitlines() if line.startswith("headers"))
