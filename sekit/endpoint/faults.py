"""A faulty stand-in in front of the model endpoint, on loopback, for a team's client to
survive: ``rate-limit`` answers 429 (with ``Retry-After``) and ``timeout`` answers late.

Every distinct request (by its body) gets the fault on its first ``attempts`` calls and is
then passed to the real endpoint, except a seeded share of the requests (``permanent``), which
never get through: the client must retry the others, waiting as ``Retry-After`` says or
backing off, and must fall back (a marked answer) on the ones that never succeed. The proxy
records every call, so the check can tell retries, their spacing and fallbacks apart.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FAULTS = ("rate-limit", "timeout")


@dataclass
class Attempt:
    at: float  # seconds since the proxy started
    faulty: bool  # the proxy answered with the fault
    status: int = 0  # what the client got (the endpoint's status when it got through)

    @property
    def answered(self) -> bool:
        return not self.faulty and 200 <= self.status < 300


@dataclass
class FaultProxy:
    """``with FaultProxy(upstream, "rate-limit") as proxy:`` then point the client at
    ``proxy.url``."""

    upstream: str
    fault: str
    attempts: int = 2  # faulty answers before a request gets through
    permanent: float = 0.2  # share of requests that never get through
    retry_after: float = 0.2  # seconds, in the 429's Retry-After header
    delay: float = 3.0  # seconds a "timeout" answer is late
    seed: int = 0
    allow_remote: bool = False  # the upstream may be off this machine (--allow-remote)
    calls: dict[str, list[Attempt]] = field(default_factory=lambda: defaultdict(list))
    _server: ThreadingHTTPServer | None = None
    _started: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def doomed(self, key: str) -> bool:
        """Whether this request never gets through (a seeded share of them)."""
        digest = hashlib.sha256(f"{self.seed}:{key}".encode()).digest()
        return digest[0] / 256 < self.permanent

    def __enter__(self) -> FaultProxy:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                key = hashlib.sha256(body).hexdigest()
                with proxy._lock:
                    seen = proxy.calls[key]
                    faulty = proxy.doomed(key) or len(seen) < proxy.attempts
                    attempt = Attempt(time.monotonic() - proxy._started, faulty)
                    seen.append(attempt)
                if faulty and proxy.fault == "rate-limit":
                    attempt.status = 429
                    self._send(429, {"error": "rate limited"}, {"Retry-After": proxy.retry_after})
                    return
                if faulty:
                    attempt.status = 504
                    time.sleep(proxy.delay)
                    self._send(504, {"error": "upstream timed out"}, {})
                    return
                attempt.status, answer = proxy.forward(body, dict(self.headers))
                self._send(attempt.status, answer, {})

            def do_GET(self) -> None:
                self._send(200, {"status": "ok", "proxy": proxy.fault}, {})

            def _send(self, status: int, answer: Any, headers: dict[str, Any]) -> None:
                data = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in headers.items():
                        self.send_header(name, str(value))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting: that is what a time-out is

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that hung up (a time-out) is the point, not an error

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._started = time.monotonic()
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def forward(self, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
        """The real endpoint's answer; 502 when it fails (never an exception: the client must
        see a status)."""
        from sekit.net import http

        passed = ("content-type", "authorization")
        wanted = {k: v for k, v in headers.items() if k.lower() in passed}
        try:
            with http.client(allow_remote=self.allow_remote, timeout=30) as client:
                response = client.post(self.upstream, content=body, headers=wanted)
            return response.status_code, response.json()
        except Exception as exc:
            return 502, {"error": f"the endpoint behind the proxy failed: {type(exc).__name__}"}

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
