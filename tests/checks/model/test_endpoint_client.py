"""The endpoint client and the keep-alive race: a server that closes a kept-alive connection
while it is idle (as uvicorn does after 5 s, sooner on a loaded machine) must not count as the
model failing; a server that drops the connection on an input still fails that call.

The server is a raw socket server on loopback: it answers the first request of a connection
with HTTP/1.1 and no ``Connection: close`` (so the client keeps the connection), and closes the
connection when the second request on it arrives, unanswered: what the client sees when the
server's keep-alive timer fires just as it sends, the race made certain instead of timed.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator

import pytest

from sekit.endpoint.answers import Protocol
from sekit.endpoint.client import Client


class Closing:
    """Answers ``{"label": "ok"}`` to the first request of a connection and closes the
    connection on the second; a body whose text is ``"drop"`` gets no answer at all."""

    def __init__(self) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}/predict"
        self.requests = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._connection, args=(connection,), daemon=True).start()

    def _connection(self, connection: socket.socket) -> None:
        with connection:
            pending = b""
            for served in range(2):
                request, pending = self._request(connection, pending)
                if request is None:
                    return
                self.requests += 1
                if served == 1 or json.loads(request)["text"] == "drop":
                    return  # closed without an answer
                body = b'{"label": "ok"}'
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    + f"Content-Length: {len(body)}\r\n\r\n".encode()
                    + body
                )

    @staticmethod
    def _request(connection: socket.socket, data: bytes) -> tuple[bytes | None, bytes]:
        """One request's body, and what came after it."""
        while b"\r\n\r\n" not in data:
            chunk = connection.recv(65536)
            if not chunk:
                return None, b""
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        length = next(
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length")
        )
        while len(rest) < length:
            rest += connection.recv(65536)
        return rest[:length], rest[length:]

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def closing() -> Iterator[Closing]:
    server = Closing()
    try:
        yield server
    finally:
        server.close()


def client(url: str) -> Client:
    return Client(url, Protocol("rest", "text", "label"), max_concurrency=1, timeout=5)


def test_a_connection_the_server_closed_while_idle_is_not_a_failed_call(
    closing: Closing,
) -> None:
    endpoint = client(closing.url)
    try:
        calls = [endpoint.call([{"text": f"review {i}"}])[0] for i in range(6)]
    finally:
        endpoint.close()
    assert [c.error for c in calls] == [None] * 6
    assert [c.prediction for c in calls] == ["ok"] * 6
    assert closing.requests == 11  # every reused connection broke once: 5 retries


def test_an_endpoint_that_drops_the_connection_on_an_input_still_fails_it(
    closing: Closing,
) -> None:
    endpoint = client(closing.url)
    try:
        good, dropped, after = (endpoint.call([{"text": t}])[0] for t in ("fine", "drop", "fine"))
    finally:
        endpoint.close()
    assert good.error is None and after.error is None
    assert dropped.error is not None and dropped.error.startswith("connection: ")
