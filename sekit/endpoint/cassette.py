"""Recorded calls: a cassette a team commits, so CI can gate an endpoint with no key and no
network.

One JSON object per line: the request's key (SHA-256 of the endpoint and the canonical JSON
body), the body itself (so a reviewer sees what was asked), the answer's status, JSON and
latency, and the stage of the run that asked (``test set``, ``invariance to case``,
``injection probes``). Sorted by key and written atomically, so re-recording the same calls
changes nothing and a diff shows only what changed. Calls made more than once (the determinism
test) keep every answer, in order, and are replayed in that order.

A request the cassette lacks is never sent anywhere and never re-recorded behind the user's
back: the run stops (exit 2) naming the stage that asked and what differs from the nearest
recorded request of that stage (``messages.0.content``: the prompt changed; ``temperature``:
a parameter changed), so a prompt edit reads as a prompt edit, not as a broken cassette.

Lines end at ``"\\n"`` only. Texts keep their characters (a reviewer reads ``café``), except the
ones other readers take for line ends (U+0085, U+2028, U+2029: the text behaviour tests generate
them), which are written as JSON escapes, so every tool sees one call per line; a cassette
written before, with those characters raw, still reads. Recording never replaces a file that
is not a cassette.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sekit.errors import InputError


def key_of(url: str, body: Any) -> str:
    canonical = json.dumps({"url": url, "body": body}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


@dataclass
class Recorded:
    status: int | None  # None: no answer (a time-out, a refused connection)
    answer: Any
    latency_ms: float
    error: str | None = None


@dataclass(frozen=True)
class Missed:
    """A request the cassette has no answer for, and the stage that asked."""

    stage: str
    body: Any


@dataclass
class Cassette:
    path: Path
    recording: bool
    _calls: dict[str, list[Recorded]] = field(default_factory=lambda: defaultdict(list))
    _bodies: dict[str, Any] = field(default_factory=dict)
    _stages: dict[str, str] = field(default_factory=dict)
    _replayed: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    missed: list[Missed] = field(default_factory=list)

    @property
    def missing(self) -> list[Any]:
        """The bodies asked for but not recorded."""
        return [miss.body for miss in self.missed]

    @classmethod
    def open(cls, path: Path, *, recording: bool) -> Cassette:
        made = cls(path, recording)
        if recording:
            if path.exists():
                # a new recording replaces the old one, never a file that is not a cassette
                cls._read(path, cls(path, recording=False), hint=_NOT_OURS)
            return made
        if not path.is_file():
            raise InputError(
                path,
                "no cassette recorded yet",
                key="model.cassette",
                hint="run `sekit check model --record` once with the endpoint running, and "
                "commit the file",
            )
        return cls._read(path, made, hint="record it again: sekit check model --record")

    @staticmethod
    def _read(path: Path, made: Cassette, *, hint: str) -> Cassette:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(
                path, f"cannot read it ({exc})", key="model.cassette", hint=hint
            ) from None
        # "\n" only: str.splitlines() also ends lines at characters a text may hold
        for number, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                made._bodies[item["key"]] = item["body"]
                made._stages[item["key"]] = str(item.get("stage") or "")
                made._calls[item["key"]] += [Recorded(**answer) for answer in item["answers"]]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise InputError(
                    path,
                    f"line {number} is not a recorded call ({exc})",
                    key="model.cassette",
                    hint=hint,
                ) from None
        return made

    def replay(self, key: str, body: Any, stage: str = "") -> Recorded | None:
        """The recorded answer to a call (the n-th time it is made), or None (noted)."""
        answers = self._calls.get(key)
        if not answers:
            self.missed.append(Missed(stage, body))
            return None
        index = min(self._replayed[key], len(answers) - 1)
        self._replayed[key] += 1
        return answers[index]

    def record(self, key: str, body: Any, recorded: Recorded, stage: str = "") -> None:
        self._bodies[key] = body
        self._stages.setdefault(key, stage)
        self._calls[key].append(recorded)

    def miss_error(self) -> InputError:
        """The error that stops a replay which lacked answers: how many, the stage that asked
        first, and what differs from the nearest recorded request of that stage."""
        first = self.missed[0]
        stage = f"{first.stage}: " if first.stage else ""
        same_stage = [k for k, s in self._stages.items() if s == first.stage] or list(self._bodies)
        nearest = min(
            (changed(self._bodies[k], first.body) for k in same_stage),
            key=len,
            default=None,
        )
        if nearest:
            why = f"differs from the recorded one in {', '.join(nearest[:4])}"
            if len(nearest) > 4:
                why += f" and {len(nearest) - 4} more"
        else:
            why = f"was never recorded: {str(first.body)[:160]}"
        return InputError(
            self.path,
            f"the cassette has no answer for {len(self.missed)} request(s); {stage}the "
            f"request {why}",
            key="model.cassette",
            hint="a changed prompt, parameter or input needs a new recording: run `sekit check "
            "model --record` with the endpoint running, and commit the cassette",
        )

    def save(self) -> None:
        from sekit.fs import atomic_write_text

        lines = [
            _one_line(
                {
                    "key": key,
                    "body": self._bodies[key],
                    "answers": [vars(answer) for answer in self._calls[key]],
                    **({"stage": self._stages[key]} if self._stages.get(key) else {}),
                },
            )
            for key in sorted(self._calls)
        ]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.path, "\n".join(lines) + "\n")


def changed(recorded: Any, asked: Any, path: str = "") -> list[str]:
    """The dotted paths at which two JSON documents differ (``messages.0.content``,
    ``temperature``), each with the recorded and the asked value when they are short."""
    if isinstance(recorded, dict) and isinstance(asked, dict):
        found: list[str] = []
        for name in sorted(set(recorded) | set(asked), key=str):
            where = f"{path}.{name}" if path else str(name)
            if name not in recorded or name not in asked:
                found.append(f"{where} ({'added' if name in asked else 'removed'})")
            else:
                found += changed(recorded[name], asked[name], where)
        return found
    if isinstance(recorded, list) and isinstance(asked, list):
        if len(recorded) != len(asked):
            return [f"{path or 'the body'} ({len(recorded)} items recorded, {len(asked)} asked)"]
        return [
            item
            for index, (a, b) in enumerate(zip(recorded, asked, strict=True))
            for item in changed(a, b, f"{path}.{index}" if path else str(index))
        ]
    if recorded == asked:
        return []
    shown = [json.dumps(v, ensure_ascii=False) for v in (recorded, asked)]
    if max(len(v) for v in shown) <= 40:
        return [f"{path or 'the body'} ({shown[0]} recorded, {shown[1]} asked)"]
    return [path or "the body"]


_NOT_OURS = (
    "it is not a cassette sekit wrote, and recording would replace it: move it away or name "
    "another file in [model].cassette"
)
# Characters that some readers take for the end of a line (str.splitlines, editors, JSON
# Lines tools); JSON may escape any character, so writing these escaped loses nothing.
_LINE_ENDS = str.maketrans({"\u0085": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _one_line(item: Any) -> str:
    """One JSON line whatever the texts hold (json.dumps escapes the ASCII control characters
    already)."""
    return json.dumps(item, sort_keys=True, ensure_ascii=False).translate(_LINE_ENDS)
