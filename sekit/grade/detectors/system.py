"""The system of the course's second phase: automated retraining, and availability measured on
the traffic the team's service really served.

Both read files only: a CI workflow's text, ``sekit.toml``, and a prediction log in the
repository (a team commits an excerpt, or the instructor grades a folder that holds the
deployment's ``logs/``). Nothing is run.
"""

from __future__ import annotations

import json
import re
import tomllib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sekit.grade.detectors.common import Outcome
from sekit.grade.repository import Repository

SCHEDULED = re.compile(
    r"^\s*schedule\s*:|\bcron\s*:|CI_PIPELINE_SOURCE\s*==\s*[\"']schedule|kind:\s*CronJob", re.M
)
TRAINS = re.compile(r"sekit retrain|dvc repro|\btrain(\.py|\b)|mlflow run", re.I)
CHECKS = re.compile(r"sekit (retrain|gate|check release)|\bpromote\b", re.I)
WORKFLOWS = (".github/workflows/*.yml", ".github/workflows/*.yaml", ".gitlab-ci.yml", "*.yaml")

WINDOW = timedelta(days=7)
MIN_REQUESTS = 100  # fewer cannot show 99% (the Wilson interval of 100/100 reaches 96.3%)
BOUND = 0.99
MAX_LOG_BYTES = 200_000_000


def retraining(repo: Repository) -> Outcome:
    """A scheduled job that retrains and checks the new model before promoting it (met); a
    scheduled job that only retrains, or a retraining policy that nothing runs (partial)."""
    scheduled = []
    for relative in repo.matching(WORKFLOWS):
        text = repo.text(relative) or ""
        if not SCHEDULED.search(text) or not TRAINS.search(text):
            continue
        lines = [(n, t) for n, t in enumerate(text.splitlines(), 1) if TRAINS.search(t)]
        code = [n for n, t in lines if not t.lstrip().startswith("#")]
        line = (code or [lines[0][0]])[0]
        scheduled.append((relative, line, bool(CHECKS.search(text))))
    checked = [s for s in scheduled if s[2]]
    if checked:
        relative, line, _ = checked[0]
        return Outcome("met", [f"{relative}:{line}: retrains on a schedule and checks first"])
    if scheduled:
        relative, line, _ = scheduled[0]
        return Outcome(
            "partial",
            [
                f"{relative}:{line}: retrains on a schedule, but no gate or release check decides "
                "whether the new model is promoted"
            ],
        )
    policy = repo.grep(r"^\[retrain\]", ("sekit.toml",), limit=1)
    if policy:
        return Outcome(
            "partial", [f"{policy[0]}: a retraining policy, but no scheduled job runs it"]
        )
    return Outcome("missing", ["no scheduled retraining: the model only changes by hand"])


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


def served_requests(path: Path) -> list[tuple[datetime, bool]]:
    """(time, answered without a server error) per real request of a JSON-lines log; lines
    that are not a request, or are marked synthetic (a load test's), are left out. Streamed and
    cut at MAX_LOG_BYTES, unlike the monitor's reader (``json_lines``), which reads a team's own
    log whole: a graded repository is untrusted and may hold a log of any size."""
    found = []
    with path.open("rb") as handle:
        for raw in handle:
            if handle.tell() > MAX_LOG_BYTES:
                break
            try:
                line: Any = json.loads(raw)
                when = datetime.fromisoformat(str(line["timestamp"]).replace("Z", "+00:00"))
                status = int(line.get("status", 200))
            except (ValueError, KeyError, TypeError):
                continue
            if isinstance(line, dict) and not line.get("synthetic"):
                found.append((when, status < 500))
    return found


def availability(repo: Repository) -> Outcome:
    """The share of requests the team's service answered without a server error over the
    last week of its prediction log: met at 99% with at least 100 requests; measured on fewer
    requests, or below 99%, partial, in proportion."""
    from sekit import stats

    logs = _logs(repo)
    if not logs:
        return Outcome(
            "missing", ["no prediction log in the repository (logs/requests.jsonl, [monitor].log)"]
        )
    relative = logs[0]
    try:
        requests = served_requests(repo.root / relative)
    except OSError as exc:
        return Outcome("missing", [f"{relative}: unreadable ({exc.strerror})"])
    if not requests:
        return Outcome("missing", [f"{relative}: no served request with a timestamp"])
    end = max(when for when, _ in requests)
    try:
        window = [ok for when, ok in requests if when > end - WINDOW]
    except TypeError:  # times with and without a zone: compare as written
        naive = [(w.replace(tzinfo=None), ok) for w, ok in requests]
        last = max(w for w, _ in naive)
        window = [ok for when, ok in naive if when > last - WINDOW]
    n, answered = len(window), sum(window)
    share = answered / n
    low, high = stats.wilson(answered, n)
    evidence = [
        f"{relative}: {share:.2%} of {n} requests answered in the week to "
        f"{end.date().isoformat()} (95% {low:.2%}-{high:.2%}; bound {BOUND:.0%})"
    ]
    if n < MIN_REQUESTS:
        evidence.append(f"fewer than {MIN_REQUESTS} requests: too few to show {BOUND:.0%}")
        return Outcome("partial", evidence, 0.5 * min(1.0, share / BOUND))
    if share >= BOUND:
        return Outcome("met", evidence)
    return Outcome("partial", evidence, 0.5 * share / BOUND)
