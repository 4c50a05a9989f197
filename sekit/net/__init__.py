"""Where sekit may send traffic: loopback, unless the user allows another host.

Three guards, each the one place its rule lives:

* :func:`check_loopback` judges a URL when it is configured or given (a clear error naming
  the key or option, before anything starts): its host must resolve to loopback addresses
  only;
* :func:`join` builds a URL from a base and a configured path, so that no path can move the
  request to another host (``"@10.255.255.1/"`` after ``http://127.0.0.1:8000`` is a request
  to 10.255.255.1);
* :func:`sekit.net.http.client` is the HTTP client every request of sekit goes through: it
  connects only to the loopback address it resolved (unless remote hosts are allowed), within
  a total deadline per request, and reads at most a capped number of bytes of an answer.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from sekit.errors import UsageError

# Characters no URL sekit builds or accepts may hold: parsers disagree on them (a backslash is
# a slash to a browser and to some HTTP clients, not to urllib).
_UNSAFE = frozenset("\\ \t\r\n\x00")


def is_loopback_address(address: str) -> bool:
    """Whether an IP address (v4, v6, or v4 mapped into v6) is a loopback address."""
    try:
        parsed = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    return parsed.is_loopback


def loopback_addresses(host: str, port: int | None = None) -> list[str]:
    """Every address ``host`` resolves to, when all of them are loopback addresses; otherwise
    (or when it does not resolve) an error: a name that resolves to this machine *and* another
    could be reached either way."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise OSError(f"host {host!r} cannot be resolved ({exc})") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    remote = [a for a in addresses if not is_loopback_address(a)]
    if not addresses or remote:
        raise OSError(f"host {host!r} resolves to {', '.join(remote)}, not a loopback address")
    return addresses


def check_loopback(url: str, *, allow_remote: bool, what: str = "--url") -> str:
    """``url`` without a trailing slash; refuse a host off this machine unless allowed.
    ``what`` names where the URL came from (an option, a config key) in the error."""
    parts = urlsplit(url)
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or any(c in _UNSAFE for c in url)
    ):
        raise UsageError(f"{what} {url!r} is not an http(s) URL", hint="e.g. http://127.0.0.1:8000")
    if not allow_remote:
        try:
            loopback_addresses(parts.hostname, parts.port)
        except ValueError:  # a port out of range
            raise UsageError(f"{what} {url!r} has no valid port") from None
        except OSError as exc:
            raise UsageError(
                f"{what} {url!r} is not on this machine ({exc}); sekit sends traffic only to "
                "loopback addresses unless you pass --allow-remote",
                hint="call only services you own or may test",
            ) from None
    return url.rstrip("/")


def join(base: str, path: str, *, what: str) -> str:
    """``base`` (a URL) followed by ``path``, which must be a path (``/health``): whatever it
    holds, the URL's scheme, host and port stay ``base``'s. ``what`` names the path's key."""
    if not path.startswith("/") or any(c in _UNSAFE for c in path):
        raise UsageError(f"{what} {path!r} is not a URL path", hint='write it as "/health"')
    joined = base.rstrip("/") + path
    before, after = urlsplit(base), urlsplit(joined)
    if (after.scheme, after.netloc) != (before.scheme, before.netloc):  # pragma: no cover
        raise UsageError(f"{what} {path!r} would send the request to another host")
    return joined
