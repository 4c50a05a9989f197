"""Recorded calls: a cassette a team commits, so CI can gate an endpoint with no key and no
network.

One JSON object per line: the request's key (SHA-256 of the endpoint and the canonical JSON
body), the body itself (so a reviewer sees what was asked), the answer's status, JSON and
latency. Sorted by key and written atomically, so re-recording the same calls changes nothing
and a diff shows only what changed. Calls made more than once (the determinism test) keep
every answer, in order, and are replayed in that order.
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


@dataclass
class Cassette:
    path: Path
    recording: bool
    _calls: dict[str, list[Recorded]] = field(default_factory=lambda: defaultdict(list))
    _bodies: dict[str, Any] = field(default_factory=dict)
    _replayed: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    missing: list[Any] = field(default_factory=list)  # bodies asked for but not recorded

    @classmethod
    def open(cls, path: Path, *, recording: bool) -> Cassette:
        made = cls(path, recording)
        if recording:
            return made  # a new recording replaces the old one
        if not path.is_file():
            raise InputError(
                path,
                "no cassette recorded yet",
                key="model.cassette",
                hint="run `sekit check model --record` once with the endpoint running, and "
                "commit the file",
            )
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                made._bodies[item["key"]] = item["body"]
                made._calls[item["key"]] += [Recorded(**answer) for answer in item["answers"]]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise InputError(
                    path,
                    f"line {number} is not a recorded call ({exc})",
                    key="model.cassette",
                    hint="record it again: sekit check model --record",
                ) from None
        return made

    def replay(self, key: str, body: Any) -> Recorded | None:
        """The recorded answer to a call (the n-th time it is made), or None (noted)."""
        answers = self._calls.get(key)
        if not answers:
            self.missing.append(body)
            return None
        index = min(self._replayed[key], len(answers) - 1)
        self._replayed[key] += 1
        return answers[index]

    def record(self, key: str, body: Any, recorded: Recorded) -> None:
        self._bodies[key] = body
        self._calls[key].append(recorded)

    def save(self) -> None:
        from sekit.fs import atomic_write_text

        lines = [
            json.dumps(
                {
                    "key": key,
                    "body": self._bodies[key],
                    "answers": [vars(answer) for answer in self._calls[key]],
                },
                sort_keys=True,
                ensure_ascii=False,
            )
            for key in sorted(self._calls)
        ]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(self.path, "\n".join(lines) + "\n")
