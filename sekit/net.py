"""Where sekit may send traffic: loopback, unless the user allows another host."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from sekit.errors import UsageError


def check_loopback(url: str, *, allow_remote: bool, what: str = "--url") -> str:
    """``url`` without a trailing slash; refuse a host off this machine unless allowed.
    ``what`` names where the URL came from (an option, a config key) in the error."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{what} {url!r} is not an http(s) URL", hint="e.g. http://127.0.0.1:8000")
    if not allow_remote:
        try:
            address = ipaddress.ip_address(socket.gethostbyname(parts.hostname))
        except (OSError, ValueError):
            raise UsageError(f"{what}: host {parts.hostname!r} cannot be resolved") from None
        if not address.is_loopback:
            raise UsageError(
                f"{what} {url!r} is not on this machine; sekit sends traffic only to "
                "loopback addresses unless you pass --allow-remote",
                hint="call only services you own or may test",
            )
    return url.rstrip("/")
