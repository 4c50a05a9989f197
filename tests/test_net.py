"""Where sekit sends traffic: only to loopback addresses (unless allowed), judged on the
address a host resolves to and the one the connection reaches, and never moved to another host
by a configured path."""

from __future__ import annotations

import socket
import time

import httpx
import pytest

from sekit.errors import UsageError
from sekit.net import check_loopback, is_loopback_address, join
from sekit.net import http as guarded
from tests.endpoint.raw import answer, fixed, serving

UNROUTABLE = "10.255.255.1"  # a connection to it hangs until the time-out: never tried


@pytest.mark.parametrize(
    ("address", "loopback"),
    [("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("::ffff:127.0.0.1", True),
     ("0.0.0.0", False), ("::", False), (UNROUTABLE, False), ("::ffff:10.0.0.1", False),
     ("localhost", False)],
)  # fmt: skip
def test_loopback_addresses(address: str, loopback: bool) -> None:
    assert is_loopback_address(address) is loopback


@pytest.mark.parametrize(
    "url",
    [f"http://{UNROUTABLE}:80", f"http://127.0.0.1:8000@{UNROUTABLE}/", "http://[::]:8000",
     "http://0.0.0.0:8000", "http://127.0.0.1\\@10.0.0.1/", "ftp://127.0.0.1/"],
)  # fmt: skip
def test_urls_off_this_machine_are_refused(url: str) -> None:
    with pytest.raises(UsageError, match="--url"):
        check_loopback(url, allow_remote=False)


def test_loopback_names_and_addresses_pass() -> None:
    for url in ("http://127.0.0.1:8000/", "http://localhost:8000", "http://[::1]:8000"):
        assert check_loopback(url, allow_remote=False) == url.rstrip("/")
    assert check_loopback(f"http://{UNROUTABLE}/", allow_remote=True) == f"http://{UNROUTABLE}"


@pytest.mark.parametrize("path", [f"@{UNROUTABLE}/", "health", f":80@{UNROUTABLE}/", "/a b", ""])
def test_a_path_that_is_not_a_path_is_refused_naming_its_key(path: str) -> None:
    with pytest.raises(UsageError, match=r"x-sekit\.health"):
        join("http://127.0.0.1:8000", path, what="x-sekit.health")


def test_a_path_cannot_move_the_request_to_another_host() -> None:
    for path in ("/health", f"/@{UNROUTABLE}/", f"//{UNROUTABLE}/x"):
        joined = join("http://127.0.0.1:8000/", path, what="health")
        assert httpx.URL(joined).host == "127.0.0.1" and joined.endswith(path)


def test_the_client_never_connects_off_this_machine() -> None:
    started = time.monotonic()
    with pytest.raises(httpx.ConnectError, match="not a loopback address"):
        guarded.get(f"http://{UNROUTABLE}/health", timeout=20)
    assert time.monotonic() - started < 10  # refused before connecting, not timed out


def test_the_client_connects_to_the_address_it_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    """A name that resolves to this machine and to another is refused, whichever address a
    second look-up would have given (no check-then-resolve-again)."""
    real = socket.getaddrinfo

    def both(host: str, *args: object, **kwargs: object) -> list[object]:
        if host == "twofaced.test":
            return [*real("127.0.0.1", *args, **kwargs), *real(UNROUTABLE, *args, **kwargs)]  # type: ignore[arg-type]
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", both)
    with pytest.raises(httpx.ConnectError, match=r"10\.255\.255\.1, not a loopback"):
        guarded.get("http://twofaced.test:9/", timeout=5)
    with pytest.raises(UsageError):
        check_loopback("http://twofaced.test:9/", allow_remote=False)


def test_the_client_ignores_proxies_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", f"http://{UNROUTABLE}:3128")
    monkeypatch.setenv("ALL_PROXY", f"http://{UNROUTABLE}:3128")
    with serving(fixed(answer("200 OK", b"{}"))) as url:
        assert guarded.get(url + "/", timeout=5).status_code == 200
