"""The HTTP client every request of sekit goes through (httpx, with a guarded transport).

What it guarantees, whoever calls it:

* **Loopback, on the resolved address.** Unless remote hosts are allowed, a connection is made
  only to an address the host resolved to, after every address it resolves to was found to be
  a loopback address; the connection goes to that very address (the name is not resolved a
  second time), and the peer is checked once connected. Proxies from the environment are
  ignored (a proxy would be the peer).
* **A total deadline per request.** httpx's time-outs bound each read, not a request: a server
  that sends one byte a second is never late for a read. Here every socket operation of a
  request (connecting, sending, reading the head and the body) waits at most until the
  request's deadline, ``timeout`` after it started; :func:`deadline` sets a tighter one for
  several requests (a call and its retry).
* **A cap on the answer.** An answer larger than ``max_bytes`` (by its ``Content-Length`` or
  as it arrives) is refused with :class:`AnswerRefused`, and so is a compressed one: sekit
  asks for none, and a small compressed answer can unpack to gigabytes.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import httpcore
import httpx

from sekit.net import is_loopback_address, loopback_addresses

MAX_ANSWER_BYTES = 16 * 2**20
"""The largest answer sekit reads (16 MiB): far above any prediction, health or query answer,
far below what fills the memory of a course machine."""


class AnswerRefused(httpx.HTTPError):
    """An answer sekit does not read: larger than the cap, or compressed."""


class _Deadline(threading.local):
    at: float | None = None


_DEADLINE = _Deadline()


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Every request made by this thread in the block ends within ``seconds`` from now (or
    sooner, when an enclosing deadline is earlier)."""
    with _until(time.monotonic() + seconds):
        yield


@contextlib.contextmanager
def _until(at: float) -> Iterator[None]:
    before = _DEADLINE.at
    _DEADLINE.at = at if before is None else min(before, at)
    try:
        yield
    finally:
        _DEADLINE.at = before


def _bounded(timeout: float | None, late: type[Exception]) -> float | None:
    """The time-out of one socket operation: at most what is left of the deadline."""
    if _DEADLINE.at is None:
        return timeout
    left = _DEADLINE.at - time.monotonic()
    if left <= 0:
        raise late("the request's deadline passed")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self, *, allow_remote: bool) -> None:
        self._inner = httpcore.SyncBackend()
        self._allow_remote = allow_remote

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        if self._allow_remote:
            return _Stream(
                self._inner.connect_tcp(host, port, bounded, local_address, socket_options)
            )
        try:
            address = loopback_addresses(host, port)[0]
        except OSError as exc:
            raise httpcore.ConnectError(f"refused: {exc}; sekit calls only this machine") from None
        stream = self._inner.connect_tcp(address, port, bounded, local_address, socket_options)
        peer = stream.get_extra_info("server_addr")
        if not peer or not is_loopback_address(str(peer[0])):  # pragma: no cover
            stream.close()
            raise httpcore.ConnectError(f"refused: connected to {peer}, not a loopback address")
        return _Stream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:  # pragma: no cover
        raise httpcore.ConnectError("sekit does not connect to Unix sockets")

    def sleep(self, seconds: float) -> None:  # pragma: no cover
        time.sleep(seconds)


class _Transport(httpx.HTTPTransport):
    def __init__(
        self, *, allow_remote: bool, timeout: float, max_bytes: int, limits: httpx.Limits
    ) -> None:
        super().__init__(limits=limits, trust_env=False)
        # httpx builds its connection pool without a way to pass a network backend: the same
        # pool, built again with the guarded one (a test fails if httpx changes this)
        assert isinstance(self._pool, httpcore.ConnectionPool)
        self._pool = httpcore.ConnectionPool(
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_Backend(allow_remote=allow_remote),
        )
        self._timeout = timeout
        self._max_bytes = max_bytes

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        at = time.monotonic() + self._timeout
        with _until(at):
            response = super().handle_request(request)
        stream = response.stream
        assert isinstance(stream, httpx.SyncByteStream)
        try:
            self._accepted(response, request)
        except AnswerRefused:
            response.close()
            raise
        return httpx.Response(
            status_code=response.status_code,
            headers=response.headers,
            stream=_Capped(stream, self._max_bytes, at, request),
            extensions=response.extensions,
        )

    def _accepted(self, response: httpx.Response, request: httpx.Request) -> None:
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("", "identity"):
            raise AnswerRefused(
                f"the answer is compressed (Content-Encoding: {encoding}); sekit asked for none"
            )
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > self._max_bytes:
            raise AnswerRefused(_too_large(self._max_bytes))


class _Capped(httpx.SyncByteStream):
    """The answer's bytes, read within the request's deadline, at most ``limit`` of them."""

    def __init__(
        self, inner: httpx.SyncByteStream, limit: int, at: float, request: httpx.Request
    ) -> None:
        self._inner, self._limit, self._at, self._request = inner, limit, at, request

    def __iter__(self) -> Iterator[bytes]:
        read = 0
        chunks = iter(self._inner)
        while True:
            with _until(self._at):
                chunk = next(chunks, None)
            if chunk is None:
                return
            read += len(chunk)
            if read > self._limit:
                raise AnswerRefused(_too_large(self._limit))
            yield chunk

    def close(self) -> None:
        self._inner.close()


def _too_large(limit: int) -> str:
    return f"the answer is larger than {limit / 2**20:g} MiB"


def client(
    *,
    allow_remote: bool = False,
    timeout: float = 10.0,
    max_bytes: int = MAX_ANSWER_BYTES,
    connections: int = 10,
    keepalive_expiry: float = 5.0,
    headers: Mapping[str, str] | None = None,
) -> httpx.Client:
    """An httpx client for sekit's requests: loopback only unless ``allow_remote``, each
    request over within ``timeout`` seconds, answers of at most ``max_bytes``. Redirects are
    not followed."""
    limits = httpx.Limits(
        max_connections=connections,
        max_keepalive_connections=connections,
        keepalive_expiry=keepalive_expiry,
    )
    transport = _Transport(
        allow_remote=allow_remote, timeout=timeout, max_bytes=max_bytes, limits=limits
    )
    return httpx.Client(
        transport=transport,
        timeout=timeout,
        headers={"Accept-Encoding": "identity", **(headers or {})},
        follow_redirects=False,
        trust_env=False,
    )


def get(
    url: str, *, allow_remote: bool = False, timeout: float = 10.0, **kwargs: Any
) -> httpx.Response:
    """One GET through :func:`client` (the answer read, the connection closed)."""
    with client(allow_remote=allow_remote, timeout=timeout) as http:
        return http.get(url, **kwargs)
