"""A raw HTTP server on loopback for the client's fault cases: each connection is handed to
a function that reads the request and writes whatever bytes it likes (slowly, too much,
nothing), as real misbehaving servers do."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Handler = Callable[[socket.socket], None]


def read_request(connection: socket.socket) -> bytes:
    """The request's head and body (by its Content-Length)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    while len(rest) < length:
        chunk = connection.recv(65536)
        if not chunk:
            break
        rest += chunk
    return head + b"\r\n\r\n" + rest


def answer(status: str, body: bytes, *, headers: str = "") -> bytes:
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n{headers}\r\n"
    ).encode() + body


def trickle(data: bytes, every: float, *, first: bytes = b"") -> Handler:
    """Answers ``first`` at once, then ``data`` one byte every ``every`` seconds (each read
    gets a byte in time)."""

    def handle(connection: socket.socket) -> None:
        read_request(connection)
        connection.sendall(first)
        for byte in data:
            connection.sendall(bytes([byte]))
            time.sleep(every)

    return handle


def flood(head: bytes, total: int) -> Handler:
    """``head`` then ``total`` bytes of JSON whitespace, then the connection closes."""

    def handle(connection: socket.socket) -> None:
        read_request(connection)
        connection.sendall(head)
        block = b" " * 2**20
        sent = 0
        while sent < total:
            connection.sendall(block)
            sent += len(block)

    return handle


def fixed(data: bytes) -> Handler:
    def handle(connection: socket.socket) -> None:
        while read_request(connection):
            connection.sendall(data)

    return handle


@contextmanager
def serving(handler: Handler) -> Iterator[str]:
    """``http://127.0.0.1:PORT`` of a server handing every connection to ``handler``."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)

    def accept() -> None:
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=_handled, args=(handler, connection), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        listener.close()


def _handled(handler: Handler, connection: socket.socket) -> None:
    # OSError: the client gave up, which is what a deadline or a cap does
    with connection, contextlib.suppress(OSError):
        handler(connection)
