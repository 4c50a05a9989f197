"""How a sandboxed step hands its result to the grader, and how the grader knows sekit wrote it.

The result never travels as a file the team's code could rewrite. The grader opens a pipe and
passes its write end into the sandbox as a file descriptor (``SEKIT_GRADE_CHANNEL``);
:mod:`sekit.grade.inside`, the first code that runs there, takes it (and the run's nonce) out
of the environment and marks it close-on-exec before any of the team's code loads, so no
program the team starts holds it.

A gate report must also be *bound* to the run (:class:`Binding`): it carries the nonce the
grader made for this run, the version of the sekit that wrote it (the grader's own), and the
time the run started, after the grader started it. :func:`bound_report` refuses anything else,
and the grader credits nothing from a refused report.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

CHANNEL_ENV = "SEKIT_GRADE_CHANNEL"
NONCE_ENV = "SEKIT_GRADE_NONCE"
MAX_BYTES = 64 * 1024**2  # a report or a test list is far smaller; more is not read


@dataclass(frozen=True)
class Binding:
    """What a report written in one run must carry; ``since`` is when the run started (the
    grader's binding) or when sekit started inside it (the one it sends)."""

    nonce: str
    sekit_version: str
    since: datetime

    @classmethod
    def new(cls) -> Binding:
        from sekit import __version__

        return cls(secrets.token_hex(16), __version__, datetime.now(UTC))

    def envelope(self, report: dict[str, Any]) -> dict[str, Any]:
        """What sekit inside the sandbox sends (also what the tests build)."""
        return {
            "nonce": self.nonce,
            "sekit_version": self.sekit_version,
            "started": self.since.isoformat(),
            "report": report,
        }


def bound_report(sent: object, binding: Binding) -> tuple[dict[str, Any] | None, str]:
    """(the report, "") when ``sent`` is an envelope of this run, else (None, why not)."""
    if not isinstance(sent, dict):
        return None, "what it sent is not an object"
    if not isinstance(sent.get("nonce"), str) or not secrets.compare_digest(
        sent["nonce"], binding.nonce
    ):
        return None, "it does not carry this run's nonce"
    if sent.get("sekit_version") != binding.sekit_version:
        return None, (
            f"it was written by sekit {sent.get('sekit_version')!r}, "
            f"not the grader's {binding.sekit_version}"
        )
    try:
        started = datetime.fromisoformat(str(sent.get("started")))
    except ValueError:
        return None, "its started time is not a time"
    if started.tzinfo is None or not binding.since <= started <= datetime.now(UTC):
        return None, "it was not started during this run"
    report = sent.get("report")
    if not isinstance(report, dict):
        return None, "its report is not an object"
    return report, ""


@dataclass
class Pipe:
    """The grader's end of a channel: a thread drains it (a full pipe would block the writer),
    keeping at most :data:`MAX_BYTES`."""

    write_fd: int
    _read_fd: int
    _chunks: list[bytes] = field(default_factory=list)
    _thread: threading.Thread | None = None
    overflow: bool = False

    @classmethod
    def open(cls) -> Pipe:
        read_fd, write_fd = os.pipe()
        pipe = cls(write_fd, read_fd)
        pipe._thread = threading.Thread(target=pipe._drain, daemon=True)
        pipe._thread.start()
        return pipe

    def _drain(self) -> None:
        size = 0
        with os.fdopen(self._read_fd, "rb", buffering=0) as handle:
            while chunk := handle.read(65536):
                if size + len(chunk) > MAX_BYTES:
                    self.overflow = True
                    continue  # keep draining so the writer never blocks
                size += len(chunk)
                self._chunks.append(chunk)

    def close_writer(self) -> None:
        """Close the grader's copy of the write end (the child holds its own)."""
        os.close(self.write_fd)

    def received(self, timeout: float = 30.0) -> bytes | None:
        """Everything sent once every writer closed; None when nothing came or too much."""
        assert self._thread is not None
        self._thread.join(timeout)
        if self._thread.is_alive() or self.overflow or not self._chunks:
            return None
        return b"".join(self._chunks)


def decode(data: bytes | None) -> object:
    """The JSON value sent, or None."""
    if data is None:
        return None
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
