"""sekit's one reader of served logs: every line validated, invalid ones counted by reason and
never fatal, each line capped (a log of any size takes bounded memory), lines split at ``\\n``
only. Fault cases as data: (the line as written, the reason it is left out)."""

from __future__ import annotations

import json
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sekit.bounds import Bound, measured, measured_on, tolerated
from sekit.subjects import servedlog
from sekit.subjects.servedlog import Fields

GOOD = {
    "timestamp": "2026-12-01T10:00:00Z",
    "request_id": "r1",
    "model_version": "v1",
    "latency_ms": 41.2,
    "status": 200,
    "prediction": "yes",
    "tokens": 12,
}
FIELDS = Fields(counts=("tokens",), marks=("synthetic", "answer_fallback"))

INVALID = [
    (
        '{"timestamp": "2026-12-01T10:00:00Z", "latency_ms": Infinity}',
        "holds Infinity, which is not JSON",
    ),
    (
        '{"timestamp": "2026-12-01T10:00:00Z", "latency_ms": -Infinity}',
        "holds -Infinity, which is not JSON",
    ),
    ('{"timestamp": "2026-12-01T10:00:00Z", "latency_ms": NaN}', "holds NaN, which is not JSON"),
    ('{"timestamp": "2026-12-01T10:00:00Z", "x": 1e400}', "holds a number too large for a float"),
    (
        '{"timestamp": "2026-12-01T10:00:00Z", "latency_ms": "950ms"}',
        "latency_ms is not a number >= 0",
    ),
    ('{"timestamp": "2026-12-01T10:00:00Z", "latency_ms": -3}', "latency_ms is not a number >= 0"),
    (
        '{"timestamp": "2026-12-01T10:00:00Z", "latency_ms": true}',
        "latency_ms is not a number >= 0",
    ),
    ('{"timestamp": "2026-12-01T10:00:00Z", "tokens": -1e9}', "tokens is not a number >= 0"),
    ('{"timestamp": "2026-12-01T10:00:00Z", "status": "200"}', "status is not an HTTP status"),
    ('{"timestamp": "2026-12-01T10:00:00Z", "status": 200.5}', "status is not an HTTP status"),
    ('{"timestamp": "2026-12-01T10:00:00Z", "status": 42}', "status is not an HTTP status"),
    ('{"timestamp": "2026-12-01T10:00:00Z", "status": true}', "status is not an HTTP status"),
    (
        '{"timestamp": "2026-12-01T10:00:00"}',
        "timestamp has no time zone (write it as UTC, e.g. ...Z)",
    ),
    ('{"timestamp": "yesterday"}', "timestamp is not an ISO 8601 time"),
    ('{"timestamp": 1764583200}', "timestamp is not an ISO 8601 time"),
    ('{"request_id": "r1"}', "no timestamp"),
    ('{"timestamp": null}', "no timestamp"),
    (
        '{"timestamp": "2026-12-01T10:00:00Z", "request_id": {"a": 1}}',
        "request_id is not text or a whole number",
    ),
    (
        '{"timestamp": "2026-12-01T10:00:00Z", "request_id": true}',
        "request_id is not text or a whole number",
    ),
    ('{"timestamp": "2026-12-01T10:00:00Z", "synthetic": "yes"}', "synthetic is not true or false"),
    (
        '{"timestamp": "2026-12-01T10:00:00Z", "answer_fallback": 2}',
        "answer_fallback is not true or false",
    ),
    ('{"timestamp": "2026-12-01T10:00:00Z", "sta', "not JSON"),
    ("[1, 2, 3]", "not a JSON object"),
    ('"a line"', "not a JSON object"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
]


def write(path: Path, lines: list[str | bytes]) -> Path:
    with path.open("wb") as handle:
        for line in lines:
            handle.write(line if isinstance(line, bytes) else line.encode() + b"\n")
    return path


@pytest.mark.parametrize(("line", "reason"), INVALID, ids=[r for _, r in INVALID])
def test_an_invalid_line_is_left_out_and_counted_by_reason(
    tmp_path: Path, line: str, reason: str
) -> None:
    path = write(tmp_path / "log.jsonl", [json.dumps(GOOD), line, "", json.dumps(GOOD)])
    kept, problems = servedlog.read(path, FIELDS)
    assert [k.number for k in kept] == [1, 4]  # blank lines are numbered, not counted
    assert (problems.lines, problems.invalid, problems.valid) == (3, 1, 2)
    assert list(problems.reasons) == [reason]
    assert problems.reasons[reason].first == [2]
    assert problems.describe().startswith(f"1 of 3 lines is invalid: {reason}")


def test_valid_lines_are_normalised(tmp_path: Path) -> None:
    lines = [
        GOOD | {"timestamp": "2026-12-01T11:00:00+01:00", "status": 503.0, "answer_fallback": 1},
        GOOD | {"latency_ms": None, "status": None, "synthetic": False},  # null: absent
        GOOD | {"timestamp": "2026-12-01T10:00:00.123456789Z", "request_id": 7},
    ]
    path = write(tmp_path / "log.jsonl", [json.dumps(line) for line in lines])
    kept, problems = servedlog.read(path, FIELDS)
    assert problems.invalid == 0
    first, second, third = kept
    assert first.time == datetime(2026, 12, 1, 10, tzinfo=UTC)  # one moment, two zones
    assert first.record["status"] == 503 and isinstance(first.record["status"], int)
    assert first.record["answer_fallback"] is True
    assert second.record["status"] is None
    assert third.time is not None and third.time.microsecond == 123456


def test_lines_end_at_newline_only(tmp_path: Path) -> None:
    # U+2028, U+2029 and U+0085 split str.splitlines(); in a JSON string they are text
    text = GOOD | {"prediction": "a\u2028b\u2029c\u0085d"}
    raw = json.dumps(text, ensure_ascii=False).encode()
    kept, problems = servedlog.read(write(tmp_path / "log.jsonl", [raw + b"\n", raw + b"\r\n"]))
    assert problems.invalid == 0
    assert [k.record["prediction"] for k in kept] == [text["prediction"]] * 2


def test_bytes_that_are_not_utf8_are_one_invalid_line(tmp_path: Path) -> None:
    path = write(tmp_path / "log.jsonl", [json.dumps(GOOD), b"\xff\xfe{}\n", json.dumps(GOOD)])
    kept, problems = servedlog.read(path)
    assert len(kept) == 2 and list(problems.reasons) == ["not UTF-8 text"]


def test_required_fields_are_the_callers_choice(tmp_path: Path) -> None:
    path = write(tmp_path / "log.jsonl", ['{"user_id": "u1", "arm": "a"}'])
    kept, problems = servedlog.read(path, Fields(required=()))
    assert len(kept) == 1 and kept[0].time is None and problems.invalid == 0
    kept, problems = servedlog.read(path)
    assert not kept and list(problems.reasons) == ["no timestamp"]


def test_an_overlong_line_is_skipped_without_being_kept(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    with path.open("wb") as handle:
        handle.write(json.dumps(GOOD).encode() + b"\n")
        handle.write(b'{"timestamp": "' + b"x" * 5_000_000 + b'"}\n')
        handle.write(json.dumps(GOOD).encode() + b"\n")
    tracemalloc.start()
    try:
        kept, problems = servedlog.read(path, line_bytes=100_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [k.number for k in kept] == [1, 3]
    assert list(problems.reasons) == ["longer than 100,000 bytes"]
    assert peak < 1_000_000


def test_a_read_stops_at_max_bytes_and_says_so(tmp_path: Path) -> None:
    path = write(tmp_path / "log.jsonl", [json.dumps(GOOD)] * 1000)
    size = path.stat().st_size
    kept, problems = servedlog.read(path, max_bytes=size // 2)
    assert 0 < len(kept) < 1000 and problems.cut_at is not None
    kept, problems = servedlog.read(path, max_bytes=size)
    assert len(kept) == 1000 and problems.cut_at is None


def test_the_reasons_are_listed_most_frequent_first_with_examples(tmp_path: Path) -> None:
    lines = [json.dumps(GOOD)] * 10
    lines += ['{"timestamp": "2026-12-01T10:00:00Z", "latency_ms": "950ms"}'] * 7
    lines += ["not json"]
    problems = servedlog.read(write(tmp_path / "log.jsonl", lines))[1]
    assert problems.describe() == (
        "8 of 18 lines are invalid: latency_ms is not a number >= 0 ('950ms') on 7 lines "
        "(lines 11, 12, 13, 14, 15, ...); not JSON on 1 line (line 18)"
    )
    assert problems.main() == "latency_ms is not a number >= 0"
    assert not problems.tolerable


@pytest.mark.parametrize(
    ("known", "total", "measured"),
    [
        (0, 0, False),
        (0, 5, False),
        (4, 5, True),
        (3, 5, False),
        (999, 1000, True),
        (1998, 2000, True),
        (1997, 2000, False),
    ],
)
def test_a_bound_is_measured_when_its_input_is_known_on_all_lines_but_a_few(
    known: int, total: int, measured: bool
) -> None:
    assert measured_on(known, total) is measured
    assert tolerated(total) == max(1, total // 1000)


@pytest.mark.parametrize(
    "value", [None, float("nan"), float("inf"), -float("inf"), True, "0.5", 10**400]
)
def test_what_is_not_a_measurement(value: object) -> None:
    assert not measured(value)
    assert Bound(min=0.0).judge(value) == "unmeasured"


def test_a_bound_judges_measured_values() -> None:
    assert Bound(max=200).judge(200) == "within"
    assert Bound(max=200).judge(200.5) == "beyond"
    assert Bound(min=0.9, max=1).judge(0.95) == "within"
    assert not Bound().usable and not Bound(min=float("nan")).usable
    assert str(Bound(min=0.9, max=1)) == "0.9 to 1"
