"""The endpoint client fails closed on answers that are late, too large or not answers: each
case a real server on loopback that misbehaves in one way."""

from __future__ import annotations

import time

import pytest

from sekit.endpoint.answers import Protocol
from sekit.endpoint.client import Call, Client
from tests.endpoint.raw import answer, fixed, flood, serving, trickle

GOOD = answer("200 OK", b'{"label": "pos"}')
HEAD, BODY = GOOD.split(b"\r\n\r\n")


def called(url: str, *, timeout: float = 5.0) -> tuple[Call, float]:
    client = Client(url + "/predict", Protocol("rest", "text", "label"), timeout=timeout)
    started = time.monotonic()
    try:
        call = client.call([{"text": "a review"}])[0]
    finally:
        client.close()
    return call, time.monotonic() - started


@pytest.mark.parametrize(
    "handler",
    [trickle(GOOD, 0.1), trickle(BODY.rjust(70), 0.1, first=HEAD + b"\r\n\r\n")],
    ids=["head", "body"],
)
def test_an_answer_that_trickles_past_the_call_timeout_is_a_timeout(handler: object) -> None:
    # a byte every 0.1 s: every read is answered in time, the whole answer takes 7 s or more
    with serving(handler) as url:  # type: ignore[arg-type]
        call, took = called(url, timeout=1.0)
    assert call.timed_out, call
    assert took < 5.0  # the deadline is 1 s; without it the call took 7 s and "succeeded"


def test_an_answer_larger_than_the_cap_is_an_invalid_answer() -> None:
    # no Content-Length: the size is known only as the bytes arrive
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
    with serving(flood(head, 40 * 2**20)) as url:
        call, _ = called(url, timeout=30.0)
    assert call.error == "invalid answer: the answer is larger than 16 MiB", call


def test_an_answer_announcing_more_than_the_cap_is_not_read() -> None:
    head = answer("200 OK", b"")
    head = head.replace(b"Content-Length: 0", f"Content-Length: {300 * 2**20}".encode())
    with serving(flood(head, 2**20)) as url:
        call, _ = called(url, timeout=30.0)
    assert call.error == "invalid answer: the answer is larger than 16 MiB", call


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (answer("302 Found", b'{"label": "pos"}', headers="Location: /elsewhere\r\n"), "http 302"),
        (
            answer("200 OK", b'{"label": NaN}'),
            "invalid answer: the answer's 'label' is not a finite number: nan",
        ),
        (
            answer("200 OK", b'{"label": Infinity}'),
            "invalid answer: the answer's 'label' is not a finite number: inf",
        ),
        (
            answer("200 OK", b'{"label": "pos"}', headers="Content-Encoding: gzip\r\n"),
            "invalid answer: the answer is compressed (Content-Encoding: gzip); sekit asked for "
            "none",
        ),
        (
            answer("200 OK", b'{"label": "pos", "usage": {"prompt_tokens": -1e9}}'),
            "invalid answer: the answer's usage.prompt_tokens is not a count: -1000000000.0",
        ),
    ],
    ids=["redirect", "nan", "infinity", "compressed", "negative-tokens"],
)
def test_answers_that_are_not_predictions(data: bytes, error: str) -> None:
    with serving(fixed(data)) as url:
        call, _ = called(url)
    assert call.error == error and call.prediction is None


def test_a_plain_answer_still_passes() -> None:
    with serving(fixed(GOOD)) as url:
        call, _ = called(url)
    assert call.ok and call.prediction == "pos" and call.status == 200
