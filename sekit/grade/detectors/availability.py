"""Availability, measured on the traffic the team's service really served (the course's second
phase).

Read from files only: ``sekit.toml`` and a prediction log in the repository (a team commits an
excerpt, or the instructor grades a folder that holds the deployment's ``logs/``). Nothing is
run.
"""

from __future__ import annotations

import tomllib
from datetime import datetime, timedelta
from pathlib import Path

from sekit.bounds import tolerated
from sekit.grade.detectors.common import Outcome
from sekit.grade.detectors.item import Item, item
from sekit.grade.repository import Repository
from sekit.subjects import servedlog
from sekit.subjects.servedlog import Problems

WINDOW = timedelta(days=7)
MIN_REQUESTS = 100  # fewer cannot show 99% (the Wilson interval of 100/100 reaches 96.3%)
BOUND = 0.99
MAX_LOG_BYTES = 200_000_000


def _logs(repo: Repository) -> list[str]:
    """The prediction log: sekit.toml's [monitor].log or [data].production, else the
    scaffold's place; only files that are there."""
    named = []
    text = repo.text("sekit.toml") if "sekit.toml" in repo.files else None
    if text:
        try:
            config = tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            config = {}
        for table, key in (("monitor", "log"), ("data", "production")):
            value = (config.get(table) or {}).get(key)
            if isinstance(value, str):
                named.append(Path(value).as_posix().removeprefix("./"))
    named.append("logs/requests.jsonl")
    return [name for name in dict.fromkeys(named) if name in repo.files]


def served_requests(
    path: Path,
) -> tuple[list[tuple[datetime, bool]], datetime | None, Problems, int]:
    """(time, answered without a server error) per request of a served log, the time of its
    last valid line, what the reader left out, and the lines without a status.

    Read by sekit's one reader (:mod:`sekit.subjects.servedlog`: each line validated and capped,
    ``MAX_LOG_BYTES`` in all: a graded repository is untrusted and may hold a log of any
    size). A line without a status is no answer and is not counted. A line marked synthetic
    (a load test's) is left out when it was answered, and counted when it failed: the grader
    cannot verify the mark, and a mark must never hide a server error."""
    problems = Problems()
    found: list[tuple[datetime, bool]] = []
    last: datetime | None = None
    statusless = 0
    for line in servedlog.lines(path, problems=problems, max_bytes=MAX_LOG_BYTES):
        assert line.time is not None  # the reader requires the timestamp
        last = line.time if last is None else max(last, line.time)
        status = line.record.get("status")
        if status is None:
            statusless += 1
        elif status >= 500 or not line.record.get("synthetic"):
            found.append((line.time, status < 500))
    return found, last, problems, statusless


@item("ops.availability", "operation", "availability of the served traffic over a week", points=2)
def availability(repo: Repository) -> Outcome:
    """The share of requests the team's service answered without a server error over the
    last week of its prediction log: met at 99% with at least 100 requests; measured on fewer
    requests, or below 99%, partial, in proportion. A log the grader cannot verify (more than
    one line in a thousand invalid or without a status, or longer than the grader reads) is at
    most partial; a synthetic mark leaves out answered lines only."""
    from sekit import stats

    logs = _logs(repo)
    if not logs:
        return Outcome(
            "missing", ["no prediction log in the repository (logs/requests.jsonl, [monitor].log)"]
        )
    relative = logs[0]
    try:
        requests, end, problems, statusless = served_requests(repo.root / relative)
    except OSError as exc:
        return Outcome("missing", [f"{relative}: unreadable ({exc.strerror})"])
    doubts = _doubts(relative, problems, statusless)
    window = [ok for when, ok in requests if end is not None and when > end - WINDOW]
    if not window:
        nothing = "no valid line" if end is None else "no served request in its last week"
        return Outcome("missing", [f"{relative}: {nothing}", *doubts])
    assert end is not None
    n, answered = len(window), sum(window)
    share = answered / n
    low, high = stats.wilson(answered, n)
    evidence = [
        f"{relative}: {share:.2%} of {n} requests answered in the week to "
        f"{end.date().isoformat()} (95% {low:.2%}-{high:.2%}; bound {BOUND:.0%})",
        *doubts,
    ]
    unverified = problems.invalid + statusless
    if unverified > tolerated(problems.lines) or problems.cut_at is not None:
        evidence.append("the log cannot be verified: not credited as met")
        return Outcome("partial", evidence, 0.5 * min(1.0, share / BOUND))
    if n < MIN_REQUESTS:
        evidence.append(f"fewer than {MIN_REQUESTS} requests: too few to show {BOUND:.0%}")
        return Outcome("partial", evidence, 0.5 * min(1.0, share / BOUND))
    if share >= BOUND:
        return Outcome("met", evidence)
    return Outcome("partial", evidence, 0.5 * share / BOUND)


def _doubts(relative: str, problems: Problems, statusless: int) -> list[str]:
    """Evidence lines for what the grader could not use."""
    said = [f"{relative}: {problems.describe()}"] if problems.invalid else []
    if statusless:
        said.append(f"{relative}: {statusless} lines without a status (not counted as answers)")
    if problems.cut_at is not None:
        said.append(f"{relative}: only the first {problems.cut_at:,} bytes were read")
    return said


ITEMS: tuple[Item, ...] = (availability,)
