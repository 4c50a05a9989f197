"""The TCP sockets a process tree listens on, read from ``/proc`` (Linux).

A command line does not say where a program listens (``python -m http.server 8000`` binds
every address and says nothing about it), its sockets do: ``/proc/<pid>/net/tcp`` and
``tcp6`` list the sockets of the process's network namespace with their inode, and
``/proc/<pid>/fd`` links a process to the inodes it holds. A listening socket held by any
process of the tree is the tree's.
"""

from __future__ import annotations

import contextlib
import ipaddress
import sys
from dataclasses import dataclass
from pathlib import Path

from sekit.net import is_loopback_address

PROC = Path("/proc")
_LISTEN = "0A"  # TCP_LISTEN in /proc/net/tcp's st column


@dataclass(frozen=True)
class Listening:
    pid: int
    address: str
    port: int

    @property
    def loopback(self) -> bool:
        return is_loopback_address(self.address)

    def __str__(self) -> str:
        host = f"[{self.address}]" if ":" in self.address else self.address
        every = " (every address)" if ipaddress.ip_address(self.address).is_unspecified else ""
        return f"{host}:{self.port}{every}"


def listening(pids: list[int]) -> list[Listening]:
    """The TCP sockets the processes listen on."""
    inodes: dict[int, int] = {}  # socket inode -> the pid holding it
    for pid in pids:
        with contextlib.suppress(OSError):
            for fd in (PROC / str(pid) / "fd").iterdir():
                with contextlib.suppress(OSError):
                    target = str(fd.readlink())
                    if target.startswith("socket:["):
                        inodes[int(target[8:-1])] = pid
    if not inodes:
        return []
    found: list[Listening] = []
    for table in ("tcp", "tcp6"):
        for pid in dict.fromkeys(inodes.values()):
            # each process's own network namespace; one table read per namespace is enough,
            # but processes of one tree almost always share it: read the first that answers
            try:
                lines = (PROC / str(pid) / "net" / table).read_text().splitlines()[1:]
            except OSError:
                continue
            for line in lines:
                columns = line.split()
                if len(columns) < 10 or columns[3] != _LISTEN:
                    continue
                inode = int(columns[9])
                if inode in inodes:
                    address, port = _address(columns[1])
                    found.append(Listening(inodes[inode], address, port))
            break
    return sorted(set(found), key=lambda s: (s.port, s.address, s.pid))


def _address(hexadecimal: str) -> tuple[str, int]:
    """``0100007F:1F40`` -> ("127.0.0.1", 8000): the kernel writes each 32-bit word of the
    address in the machine's byte order."""
    host, port = hexadecimal.split(":")
    order = -1 if sys.byteorder == "little" else 1
    words = [bytes.fromhex(host[i : i + 8])[::order] for i in range(0, len(host), 8)]
    return str(ipaddress.ip_address(b"".join(words))), int(port, 16)
