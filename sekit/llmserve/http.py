"""The OpenAI-compatible HTTP front of the local model: a threaded server on loopback.

``POST /v1/chat/completions`` takes OpenAI's request (``messages``, ``temperature``,
``max_tokens`` or ``max_completion_tokens``, ``seed``, ``top_p``, ``stop``, ``response_format``)
and answers OpenAI's chat-completion object with ``usage``. What it does not serve is a 400 in
OpenAI's error shape, never a hang: streaming, ``n`` > 1, a body that is not a JSON object with
a list of messages, a body over 256 KB. ``max_tokens`` is capped at the server's limit
(``--max-tokens``); a request without it gets the cap. The request's ``model`` is not checked:
there is one model, and every answer names it.

The model decodes ``parallel`` requests at once; llama.cpp queues the rest. The GIL is released
while it works, so each connection has its own thread and ``GET /health`` answers during
inference.
"""

from __future__ import annotations

import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sekit.llmserve import Settings

MAX_BODY = 256 * 1024
ALLOWED = {
    "model",
    "messages",
    "temperature",
    "top_p",
    "top_k",
    "min_p",
    "max_tokens",
    "max_completion_tokens",
    "seed",
    "stop",
    "stream",
    "n",
    "presence_penalty",
    "frequency_penalty",
    "repeat_penalty",
    "response_format",
    "logit_bias",
    "user",
}


class BadRequest(Exception):
    """A request the front does not serve: a 400 with this message."""


def request_for_model(body: Any, cap: int) -> dict[str, Any]:
    """The request as llama.cpp gets it, checked and with ``max_tokens`` capped."""
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    unknown = sorted(set(body) - ALLOWED)
    if unknown:
        raise BadRequest(f"unsupported field {unknown[0]!r}")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise BadRequest("'messages' must be a non-empty list")
    for message in messages:
        if not (
            isinstance(message, dict)
            and message.get("role") in ("system", "user", "assistant")
            and isinstance(message.get("content"), str)
        ):
            raise BadRequest("each message needs a role (system, user, assistant) and text content")
    if body.get("stream"):
        raise BadRequest("streaming is not served: leave 'stream' out")
    if body.get("n", 1) != 1:
        raise BadRequest("'n' must be 1: ask again for another answer")
    asked = body.get("max_completion_tokens", body.get("max_tokens"))
    if asked is not None and (isinstance(asked, bool) or not isinstance(asked, int) or asked < 1):
        raise BadRequest("'max_tokens' must be a positive integer")
    request = {k: v for k, v in body.items() if k not in ("model", "max_completion_tokens", "n")}
    request["max_tokens"] = min(asked or cap, cap)
    request["stream"] = False
    return request


def answer_of(raw: Any, name: str) -> dict[str, Any]:
    """llama.cpp's answer as OpenAI's: the model's name, without llama.cpp's timings."""
    if not isinstance(raw, dict) or "choices" not in raw:
        raise RuntimeError(f"the model gave no answer: {str(raw)[:200]}")
    answer = {k: v for k, v in raw.items() if k != "timings"}
    answer["model"] = name
    return answer


def server(
    model: Any, settings: Settings, port: int, host: str = "127.0.0.1"
) -> ThreadingHTTPServer:
    """The HTTP server (not yet serving: call ``serve_forever``)."""
    started = time.time()
    lock = threading.Lock()
    counts = {"requests": 0, "errors": 0}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: a client reuses its connections

        def do_GET(self) -> None:
            if self.path == "/health":
                health = {"status": "ok", "model": settings.name, "pid": os.getpid()}
                self._send(200, {**health, **counts})
            elif self.path == "/v1/models":
                listed = {"id": settings.name, "object": "model", "created": int(started)}
                self._send(200, {"object": "list", "data": [{**listed, "owned_by": "local"}]})
            else:
                self._error(404, f"no {self.path} here")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self.close_connection = True  # the body stays unread
                self._error(413, f"the body is over {MAX_BODY // 1024} KB")
                return
            raw = self.rfile.read(length)
            if self.path not in ("/v1/chat/completions", "/chat/completions"):
                self._error(404, f"no {self.path} here: POST /v1/chat/completions")
                return
            try:
                body = json.loads(raw or b"null")
                request = request_for_model(body, settings.max_tokens)
            except (ValueError, BadRequest) as exc:
                self._error(400, str(exc) if isinstance(exc, BadRequest) else "not JSON")
                return
            try:
                answer = answer_of(model.handle_chat_completions(request), settings.name)
            except ValueError as exc:  # llama.cpp refused the request
                self._error(400, str(exc))
                return
            except Exception as exc:
                self._error(500, f"{type(exc).__name__}: {exc}")
                return
            with lock:
                counts["requests"] += 1
            self._send(200, answer)

        def _error(self, status: int, message: str) -> None:
            with lock:
                counts["errors"] += 1
            kind = "invalid_request_error" if status < 500 else "server_error"
            self._send(status, {"error": {"message": message, "type": kind}})

        def _send(self, status: int, document: Any) -> None:
            data = json.dumps(document, ensure_ascii=False).encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up waiting

        def log_message(self, format: str, *args: Any) -> None:
            pass

    made = ThreadingHTTPServer((host, port), Handler)
    made.daemon_threads = True
    return made
