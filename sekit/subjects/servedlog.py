"""The served log: one JSON object per line, one line per request a service answered.

SPEC.md's line holds ``timestamp`` (ISO 8601), ``request_id``, ``model_version``,
``latency_ms``, ``status`` (the HTTP status), ``prediction`` and the inputs by name. The monitor,
the experiment suite and the grader all read it here, so one set of rules says what a line is:

* **Streamed, each line capped.** A line is read up to ``line_bytes`` (1 MB); a longer one is
  skipped to its end without being kept, so a 1 GiB log without a newline takes no more memory
  than the cap. ``max_bytes`` stops reading an untrusted log (the grader's) after that much.
  Lines end at ``\\n`` only: a Unicode line separator inside a JSON string is text.
* **Validated.** A line is a JSON object in standard JSON: ``NaN``, ``Infinity`` and numbers
  too large for a float are rejected anywhere in it. The fields it knows (:class:`Fields`, named
  as the service names them) must hold what a service writes: a time with its zone (normalised
  to UTC), an HTTP status (a whole number from 100 to 599), a latency and counts (tokens) that
  are finite and not negative, ids that are text or whole numbers, marks that are true or false
  (or 1 and 0). An absent field, or ``null``, is absent: which fields a line must have is the
  caller's choice (``Fields.required``).
* **Counted, never fatal.** An invalid line is left out whole (one impossible value says the
  line was not written the way the service meant it) and counted by reason, with its first line
  numbers and an example (:class:`Problems`). The caller says how many lines it could not use
  and decides with :func:`sekit.bounds.tolerated` whether the rest still measures its bound.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sekit.bounds import tolerated
from sekit.errors import InputError

LINE_BYTES = 1_000_000
EXAMPLES = 5  # line numbers kept per reason
_SKIP = 1 << 16  # bytes read at a time while skipping an overlong line


@dataclass(frozen=True)
class Fields:
    """The fields a reader validates, by the service's names for them."""

    timestamp: str = "timestamp"
    request_id: str = "request_id"
    model_version: str = "model_version"
    latency: str = "latency_ms"
    status: str = "status"
    counts: tuple[str, ...] = ()  # fields that count something (tokens): numbers >= 0
    marks: tuple[str, ...] = ("synthetic",)  # true / false
    required: tuple[str, ...] = ("timestamp",)


@dataclass(frozen=True)
class Line:
    """A valid line: its number in the file (from 1, as an editor shows it), its object, and
    its time in UTC (``None`` when it has none)."""

    number: int
    record: dict[str, Any]
    time: datetime | None


@dataclass
class Reason:
    """Lines left out for one reason."""

    lines: int = 0
    first: list[int] = field(default_factory=list)
    example: str | None = None


@dataclass
class Problems:
    """What a read could not use: lines by reason, and where reading stopped."""

    lines: int = 0  # lines read, blank ones not counted
    reasons: dict[str, Reason] = field(default_factory=dict)
    cut_at: int | None = None  # bytes read before max_bytes stopped the read

    @property
    def invalid(self) -> int:
        """Lines left out, for any reason."""
        return sum(reason.lines for reason in self.reasons.values())

    @property
    def valid(self) -> int:
        """Lines kept."""
        return self.lines - self.invalid

    @property
    def tolerable(self) -> bool:
        """At most :func:`sekit.bounds.tolerated` lines are invalid."""
        return self.invalid <= tolerated(self.lines)

    def add(self, number: int, reason: str, example: str | None = None) -> None:
        """Count line ``number`` as left out for ``reason`` (keeping an example value)."""
        found = self.reasons.setdefault(reason, Reason())
        found.lines += 1
        if len(found.first) < EXAMPLES:
            found.first.append(number)
        if found.example is None and example is not None:
            found.example = example[:60]

    def main(self) -> str | None:
        """The reason most lines were left out for."""
        return max(self.reasons, key=lambda r: self.reasons[r].lines) if self.reasons else None

    def describe(self) -> str:
        """``3 of 1200 lines are invalid: latency_ms is not a number >= 0 ('950ms') on 2 lines
        (lines 4, 9); not JSON on 1 line (line 1200)``; empty when every line is valid."""
        if not self.reasons:
            return ""
        verb = "is" if self.invalid == 1 else "are"
        parts = []
        for text, reason in sorted(self.reasons.items(), key=lambda item: -item[1].lines):
            example = f" ({reason.example})" if reason.example is not None else ""
            where = ", ".join(map(str, reason.first)) + (", ..." if reason.lines > EXAMPLES else "")
            plural = "s" if len(reason.first) > 1 else ""
            count = f"{reason.lines} line{'s' if reason.lines > 1 else ''}"
            parts.append(f"{text}{example} on {count} (line{plural} {where})")
        return f"{self.invalid} of {self.lines} lines {verb} invalid: " + "; ".join(parts)


class _Invalid(Exception):
    def __init__(self, reason: str, example: Any = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.example = None if example is None else _shown(example)


def _shown(value: Any) -> str:
    return repr(value) if not isinstance(value, str) else repr(value[:40])


def _constant(name: str) -> Any:
    raise _Invalid(f"holds {name}, which is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e400: too large for a float
        raise _Invalid("holds a number too large for a float", text)
    return value


# One decoder for every line: NaN, Infinity and numbers that overflow are refused as met.
_DECODER = json.JSONDecoder(parse_constant=_constant, parse_float=_finite)


def lines(
    path: Path,
    fields: Fields | None = None,
    problems: Problems | None = None,
    *,
    line_bytes: int = LINE_BYTES,
    max_bytes: int | None = None,
) -> Iterator[Line]:
    """The valid lines of the log at ``path`` in file order; the others are counted in
    ``problems``. An ``OSError`` (no such file, no permission) is the caller's to name."""
    wanted = fields or Fields()
    found = problems if problems is not None else Problems()
    read = 0
    number = 0
    with path.open("rb") as handle:
        while max_bytes is None or read < max_bytes:
            raw = handle.readline(line_bytes + 1)
            if not raw:
                return
            number += 1
            read += len(raw)
            if len(raw) > line_bytes and not raw.endswith(b"\n"):
                found.lines += 1
                read += _skip_line(handle, None if max_bytes is None else max_bytes - read)
                found.add(number, f"longer than {line_bytes:,} bytes")
                continue
            try:
                text = raw.decode("utf-8").strip()
            except UnicodeDecodeError:
                found.lines += 1
                found.add(number, "not UTF-8 text")
                continue
            if not text:
                continue
            found.lines += 1
            try:
                yield _line(number, text, wanted)
            except _Invalid as exc:
                found.add(number, exc.reason, exc.example)
        if handle.read(1):
            found.cut_at = read


def _skip_line(handle: Any, limit: int | None) -> int:
    """Read past the rest of an overlong line without keeping it; the bytes read."""
    skipped = 0
    while limit is None or skipped < limit:
        chunk = handle.readline(_SKIP)
        skipped += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            break
    return skipped


def read(
    path: Path,
    fields: Fields | None = None,
    *,
    line_bytes: int = LINE_BYTES,
    max_bytes: int | None = None,
) -> tuple[list[Line], Problems]:
    """Every valid line of the log, and what was left out."""
    problems = Problems()
    kept = list(lines(path, fields, problems, line_bytes=line_bytes, max_bytes=max_bytes))
    return kept, problems


def read_judged(
    path: Path,
    fields: Fields,
    *,
    unmeasured: str,
    unusable: Callable[[Problems], tuple[str, str | None]],
) -> tuple[list[Line], Problems]:
    """The valid lines of a prediction log, or a one-line :class:`~sekit.errors.InputError`:
    the file cannot be read; no line is usable (``unusable`` says why, and the key to set, if
    any); or more lines are invalid than :func:`sekit.bounds.tolerated` allows (``unmeasured``
    says what is then not measured, e.g. "no bound on this log is measured")."""
    try:
        kept, problems = read(path, fields)
    except OSError as exc:
        raise InputError(path, f"cannot read the prediction log: {exc.strerror or exc}") from None
    if not kept:
        message, key = unusable(problems)
        raise InputError(path, message, key=key)
    if not problems.tolerable:
        raise InputError(
            path,
            f"{problems.describe()}; with more than {tolerated(problems.lines)} of "
            f"{problems.lines} invalid, {unmeasured}",
            hint="fix how the service writes its log (SPEC.md: one line of the prediction log)",
        )
    return kept, problems


def _line(number: int, text: str, fields: Fields) -> Line:
    try:
        record = _DECODER.decode(text)
    except RecursionError:
        raise _Invalid("nested too deeply") from None
    except ValueError:
        raise _Invalid("not JSON") from None
    if not isinstance(record, dict):
        raise _Invalid("not a JSON object", type(record).__name__)
    for name in fields.required:
        if record.get(name) is None:
            raise _Invalid(f"no {name}")
    when = _time(record.get(fields.timestamp), fields.timestamp)
    status = record.get(fields.status)
    if status is not None:
        record[fields.status] = _status(status, fields.status)
    for name in (fields.latency, *fields.counts):
        value = record.get(name)
        if value is not None and not _non_negative(value):
            raise _Invalid(f"{name} is not a number >= 0", value)
    for name in (fields.request_id, fields.model_version):
        value = record.get(name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, str | int)):
            raise _Invalid(f"{name} is not text or a whole number", value)
    for name in fields.marks:
        value = record.get(name)
        if value is not None:
            if isinstance(value, bool) or value in (0, 1):  # 0/1 as tables write a flag
                record[name] = bool(value)
            else:
                raise _Invalid(f"{name} is not true or false", value)
    return Line(number, record, when)


def _time(value: Any, name: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _Invalid(f"{name} is not an ISO 8601 time", value)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _Invalid(f"{name} is not an ISO 8601 time", value) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise _Invalid(f"{name} has no time zone (write it as UTC, e.g. ...Z)", value)
    return moment.astimezone(UTC)


def _status(value: Any, name: str) -> int:
    whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if isinstance(value, bool) or not whole or not 100 <= value <= 599:
        raise _Invalid(f"{name} is not an HTTP status", value)
    return int(value)


def _non_negative(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(float(value)) and value >= 0
    except OverflowError:
        return False
