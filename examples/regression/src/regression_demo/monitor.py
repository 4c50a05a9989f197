"""Monitoring: every served prediction as one JSON line, and a drift check of those inputs.

Check the served inputs for drift against the training data with
``python -m regression_demo.monitor``.

The log (logs/requests.jsonl) holds the inputs, the answer, the model version, the HTTP status
and the latency of each request, so each prediction traces back to the model, and through the
run store to the code and the data that made it. ``sekit check data`` checks the same log
(``[data].production``); ``sekit check monitor`` judges it hour by hour (availability, latency,
errors, drift, and accuracy on the feedback labels).

A line is appended whole, in one write to the end of the file; a line left unfinished (the
service was killed while writing, the disk was full) is ended before the next one, so one bad
line never swallows the next request. Readers skip lines that are not JSON objects.
"""

from __future__ import annotations

import json
import math
import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from regression_demo.config import FEATURES, LABEL, paths

_LOCK = threading.Lock()
CHECKS = [
    "data.schema",
    "data.missing_values",
    "data.out_of_range",
    "data.unexpected_category",
    "data.drift",
]


def record(inputs: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    """One served prediction: when, the inputs, the answer and its provenance."""
    return {
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds"),
        **inputs,
        **{f"answer_{k}": v for k, v in answer.items() if k != "request_id"},
        "model_version": answer.get("model_version"),
        "request_id": answer["request_id"],
    }


def write(entry: dict[str, Any], *, load_test: bool = False) -> None:
    """Append one request (the service adds its HTTP status and latency); load-test traffic
    goes to its own log."""
    entry = {"timestamp": datetime.now(UTC).isoformat(timespec="milliseconds"), **entry}
    path = paths().load_test_log if load_test else paths().prediction_log
    path.parent.mkdir(parents=True, exist_ok=True)
    data = (json.dumps(_finite(entry), allow_nan=False) + "\n").encode("utf-8")
    with _LOCK:
        handle = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            size = os.fstat(handle).st_size
            if size and os.pread(handle, 1, size - 1) != b"\n":
                data = b"\n" + data  # end the line a killed writer left unfinished
            while data:  # one write, unless the system writes only part of it
                data = data[os.write(handle, data) :]
        finally:
            os.close(handle)


def _finite(value: Any) -> Any:
    """NaN and infinities (not JSON) as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    return value


def records(path: Path) -> Iterator[dict[str, Any]]:
    """The log's lines that are JSON objects (others, such as a line cut short, skipped)."""
    with path.open("rb") as handle:
        for line in handle:
            record = _parsed(line)
            if record is not None:
                yield record


def _parsed(line: bytes) -> dict[str, Any] | None:
    try:
        record = json.loads(line)
    except ValueError:  # not JSON, or not UTF-8
        return None
    return record if isinstance(record, dict) else None


def served() -> pd.DataFrame:
    path = paths().prediction_log
    rows = list(records(path)) if path.exists() else []
    if not rows:
        return pd.DataFrame(columns=[*FEATURES, "request_id"])
    return pd.DataFrame(rows)


class Answers:
    """request id -> the answer it was served, from the log; each look reads only the lines
    added since the last one (the log of a busy service has hundreds of thousands)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._file: tuple[Path, int] | None = None  # the log's path and inode
        self._read = 0  # bytes of the log indexed so far
        self._answers: dict[str, Any] = {}

    def warm(self) -> None:
        """Read the log now (the service does at start, in the background)."""
        with self._lock:
            self._catch_up(paths().prediction_log)

    def get(self, request_id: str) -> tuple[bool, Any]:
        """Whether the request was served, and its answer."""
        with self._lock:
            self._catch_up(paths().prediction_log)
            if request_id in self._answers:
                return True, self._answers[request_id]
            return False, None

    def _catch_up(self, path: Path) -> None:
        try:
            status = path.stat()
        except FileNotFoundError:
            self._file, self._read, self._answers = None, 0, {}
            return
        if (path, status.st_ino) != self._file or status.st_size < self._read:
            # another log, a new file in its place, or the same one cut back: from the start
            self._file, self._read, self._answers = (path, status.st_ino), 0, {}
        if status.st_size == self._read:
            return
        with path.open("rb") as handle:
            handle.seek(self._read)
            for line in handle:
                if not line.endswith(b"\n"):
                    break  # still being written: read it next time
                self._read += len(line)
                record = _parsed(line)
                if record is not None and "request_id" in record:
                    self._answers[str(record["request_id"])] = record.get("answer_progression")


ANSWERS = Answers()


def drift() -> Any:
    """sekit's data checks on the served inputs, against the training data."""
    import sekit.data
    from sekit.config import load_config

    config = load_config(paths().root)
    assert config.data is not None
    return sekit.data.check(
        pd.read_csv(paths().train),
        production=served(),
        label=LABEL,
        columns=config.data.columns,
        drift=config.data.drift,
        only=CHECKS,
    )


def main() -> None:
    log = served()
    if log.empty:
        print(f"no served requests yet in {paths().prediction_log}")
        return
    report = drift()
    share = report.metrics.get("data.drift_share", 0)
    print(f"{len(log)} served requests; drift share {share:.0%}")
    for item in report.results:
        print(f"  {item.id:28} {item.status.value:7} {item.summary}")


if __name__ == "__main__":
    main()
