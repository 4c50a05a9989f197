"""Calling a model endpoint: many requests at once, within ``max_concurrency`` (threads over
one pool of kept-alive connections), each with a time limit, every call measured.

A call never raises: it comes back as a :class:`Call` with its status, latency, prediction or
error (``timeout``, ``connection``, ``http 500``, ``invalid answer: ...``), which the checks
judge. The requests go through sekit's HTTP client (:mod:`sekit.net.http`): loopback only
unless remote hosts are allowed, ``timeout`` is the whole call's deadline (an answer that
trickles in is late, however fast each byte comes), an answer over the size cap or compressed
is an invalid answer. Only a 2xx answer can hold a prediction (a redirect is not followed).

With a cassette, calls are recorded (``--record``) or answered from it without any network;
an input the cassette lacks is noted (:attr:`Client.missing`) and the run fails closed,
naming it.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sekit.endpoint.answers import InvalidAnswer, Protocol
from sekit.endpoint.cassette import Cassette, Recorded, key_of
from sekit.errors import UsageError


@dataclass(frozen=True)
class Call:
    """One request and what came back."""

    body: Any
    status: int | None  # None: no answer at all
    latency_ms: float
    prediction: Any = None
    error: str | None = None  # why there is no prediction
    tokens_in: int = 0
    tokens_out: int = 0
    stage: str = ""  # what in the run asked: "test set", "invariance to case", ...
    content: str | None = None  # a chat model's message as it came (at most 500 characters)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def timed_out(self) -> bool:
        return self.error == "timeout"


class Client:
    """The endpoint of ``[model]``, with its protocol, headers, limits and cassette."""

    def __init__(
        self,
        url: str,
        protocol: Protocol,
        *,
        headers: Mapping[str, str] | None = None,
        max_concurrency: int = 8,
        timeout: float = 10.0,
        cassette: Cassette | None = None,
        name: str | None = None,
        allow_remote: bool = False,
    ) -> None:
        self.url = url
        # what the calls are recorded under: the configured endpoint, not the port a stand-in
        # got this time
        self.name = name or url
        self.protocol = protocol
        self.headers = dict(headers or {})  # "env:NAME" values, read when calls go out
        self.max_concurrency = max_concurrency
        self.timeout = timeout
        self.cassette = cassette
        self.allow_remote = allow_remote
        self.calls: list[Call] = []  # every call of the run, for the budget metrics
        self._pool: Any = None
        self._http: Any = None
        self._lock = threading.Lock()

    @property
    def missing(self) -> list[Any]:
        return self.cassette.missing if self.cassette is not None else []

    def call(self, bodies: Sequence[Any], *, stage: str = "") -> list[Call]:
        """Send every body (at most ``max_concurrency`` at once); the calls in order, each
        marked with the ``stage`` of the run that asked. The connections and the threads stay
        open between calls (:meth:`close` ends them): many small batches (shrinking asks one
        text at a time) cost no new connection each."""
        if not bodies:
            return []
        pool = self._open()
        made = list(pool.map(lambda body: self._one(body, stage), bodies))
        self.calls += made
        return made

    def complete(self) -> None:
        """Raise the cassette's error when a replay lacked answers (the run stops, exit 2)."""
        if self.cassette is not None and self.cassette.missed:
            raise self.cassette.miss_error()

    def _open(self) -> Any:
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            from sekit.net import http

            replaying = self.cassette is not None and not self.cassette.recording
            headers = {} if replaying else _resolved(self.headers)  # a replay needs no key
            # idle connections are dropped after 2 s: servers close theirs after about 5
            # (uvicorn), and a request sent on a connection the server just closed fails
            self._http = http.client(
                allow_remote=self.allow_remote,
                timeout=self.timeout,
                connections=self.max_concurrency,
                keepalive_expiry=2.0,
                headers=headers,
            )
            self._pool = ThreadPoolExecutor(self.max_concurrency, thread_name_prefix="sekit-call")
        return self._pool

    def _one(self, body: Any, stage: str = "") -> Call:
        import httpx

        from sekit.net.http import AnswerRefused, deadline

        key = key_of(self.name, body)
        if self.cassette is not None and not self.cassette.recording:
            with self._lock:
                recorded = self.cassette.replay(key, body, stage)
            if recorded is None:
                return Call(body, None, 0.0, error="not in the cassette", stage=stage)
            return self._judged(body, recorded, stage)
        start = time.perf_counter()
        try:
            with deadline(self.timeout):  # the call, its retry and its answer
                response = self._post(body)
            latency = (time.perf_counter() - start) * 1000
            try:
                answer = response.json()
            except ValueError:
                answer = None
            recorded = Recorded(response.status_code, answer, round(latency, 3))
        except httpx.TimeoutException:
            recorded = Recorded(None, None, round(self.timeout * 1000, 3), "timeout")
        except AnswerRefused as exc:
            latency = (time.perf_counter() - start) * 1000
            recorded = Recorded(None, None, round(latency, 3), f"invalid answer: {exc}")
        except httpx.HTTPError as exc:
            latency = (time.perf_counter() - start) * 1000
            recorded = Recorded(None, None, round(latency, 3), f"connection: {type(exc).__name__}")
        if self.cassette is not None:
            with self._lock:
                self.cassette.record(key, body, recorded, stage)
        return self._judged(body, recorded, stage)

    def _post(self, body: Any) -> Any:
        """POST once; again once, on a new connection, when the connection broke before any
        answer came (a pooled connection the server closed while idle, the keep-alive race
        every HTTP/1.1 client meets: encode/httpx#2983). An endpoint that really drops the
        connection on an input drops it again, and the call fails."""
        import httpx

        try:
            return self._http.post(self.url, json=body)
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
            return self._http.post(self.url, json=body)

    def _judged(self, body: Any, recorded: Recorded, stage: str = "") -> Call:
        latency = recorded.latency_ms
        if recorded.error is not None or recorded.status is None:
            return Call(body, None, latency, error=recorded.error or "no answer", stage=stage)
        if not 200 <= recorded.status < 300:  # an error, or a redirect sekit does not follow
            return Call(
                body, recorded.status, latency, error=f"http {recorded.status}", stage=stage
            )
        tokens_in = tokens_out = 0
        try:
            tokens_in, tokens_out = self.protocol.tokens(recorded.answer)
            prediction = self.protocol.prediction(recorded.answer)
            error = None
        except InvalidAnswer as exc:
            prediction, error = None, f"invalid answer: {exc}"
        content = self.protocol.content(recorded.answer)
        return Call(
            body,
            recorded.status,
            latency,
            prediction,
            error,
            tokens_in,
            tokens_out,
            stage,
            content[:500] if content is not None else None,
        )

    def close(self) -> None:
        """End the connections and threads; write a recording (atomically)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._http.close()
            self._pool = self._http = None
        if self.cassette is not None and self.cassette.recording:
            self.cassette.save()


def _resolved(headers: Mapping[str, str]) -> dict[str, str]:
    """``{"Authorization": "env:TOKEN"}`` with the variable's value; a variable that is not
    set is an error naming it (never a call without the header)."""
    found: dict[str, str] = {}
    for name, value in headers.items():
        variable = value.removeprefix("env:")
        if variable not in os.environ:
            raise UsageError(
                f"[model].headers.{name} names the environment variable {variable}, which is "
                "not set",
                hint=f"export {variable}=... (keep the value out of the repository), or replay a "
                "cassette",
            )
        found[name] = os.environ[variable]
    return found
