"""The system of the course's second phase: automated retraining, and availability measured on
the traffic the team's service really served.

Both read files only: a CI workflow's parsed YAML, ``sekit.toml``, and a prediction log in the
repository (a team commits an excerpt, or the instructor grades a folder that holds the
deployment's ``logs/``). Nothing is run.
"""

from __future__ import annotations

import re
import tomllib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sekit import servedlog
from sekit.bounds import tolerated
from sekit.grade.detectors.ci import GITLAB_KEYWORDS
from sekit.grade.detectors.common import Outcome, yaml_documents
from sekit.grade.repository import Repository
from sekit.servedlog import Problems

SCHEDULED = re.compile(r"CI_PIPELINE_SOURCE\s*==\s*[\"']?schedule", re.I)
TRAINS = re.compile(r"sekit retrain|dvc repro|\btrain(\.py|\b)|mlflow run", re.I)
CHECKS = re.compile(r"sekit (retrain|gate|check release)|\bpromote\b", re.I)
WORKFLOWS = (".github/workflows/*.yml", ".github/workflows/*.yaml", ".gitlab-ci.yml", "*.yaml")

WINDOW = timedelta(days=7)
MIN_REQUESTS = 100  # fewer cannot show 99% (the Wilson interval of 100/100 reaches 96.3%)
BOUND = 0.99
MAX_LOG_BYTES = 200_000_000


def retraining(repo: Repository) -> Outcome:
    """A scheduled job that retrains and checks the new model before promoting it (met); a
    scheduled job that only retrains, or a retraining policy that nothing runs (partial).

    Read from the parsed YAML, never the text: a job is scheduled by a GitHub ``on.schedule``
    with a cron, a GitLab job whose rules run it on pipeline schedules, or a Kubernetes
    CronJob, and what it runs is its commands (``run`` steps, ``script``, a container's
    command); a comment schedules and runs nothing."""
    scheduled = []
    for relative in repo.matching(WORKFLOWS):
        commands = [c for job in _scheduled_jobs(repo, relative) for c in job]
        trains = next((m.group(0) for c in commands if (m := TRAINS.search(c))), None)
        if trains is None:
            continue
        checked = any(CHECKS.search(c) for c in commands)
        scheduled.append((relative, _code_line(repo, relative, trains), checked))
    checked_jobs = [s for s in scheduled if s[2]]
    if checked_jobs:
        relative, line, _ = checked_jobs[0]
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


def _scheduled_jobs(repo: Repository, relative: str) -> list[list[str]]:
    """The commands of each job a YAML file runs on a schedule (GitHub Actions, GitLab CI,
    Kubernetes CronJob)."""
    jobs: list[list[str]] = []
    for document in yaml_documents(repo, relative):
        if not isinstance(document, dict):
            continue
        if relative.startswith(".github/"):
            triggers = document.get("on", document.get(True))
            crons = triggers.get("schedule") if isinstance(triggers, dict) else None
            if isinstance(crons, list) and any(
                isinstance(c, dict) and isinstance(c.get("cron"), str) for c in crons
            ):
                for job in _mapping(document.get("jobs")).values():
                    steps = _mapping(job).get("steps")
                    runs = [s.get("run") for s in steps or [] if isinstance(s, dict)]
                    jobs.append([r for r in runs if isinstance(r, str)])
        elif relative.endswith(".gitlab-ci.yml"):
            every = _gitlab_scheduled(document.get("workflow"))
            for name, job in document.items():
                if (
                    str(name) in GITLAB_KEYWORDS
                    or str(name).startswith(".")
                    or not isinstance(job, dict)
                ):
                    continue
                if every or _gitlab_scheduled(job):
                    jobs.append(_strings(job.get("before_script")) + _strings(job.get("script")))
        elif document.get("kind") == "CronJob" and isinstance(
            _mapping(document.get("spec")).get("schedule"), str
        ):
            template = _mapping(_mapping(_mapping(document["spec"]).get("jobTemplate")).get("spec"))
            pod = _mapping(_mapping(template.get("template")).get("spec"))
            for container in pod.get("containers") or []:
                container = _mapping(container)
                words = _strings(container.get("command")) + _strings(container.get("args"))
                jobs.append([" ".join(words)])
    return jobs


def _gitlab_scheduled(job: Any) -> bool:
    """A GitLab job (or workflow) whose rules or ``only`` run it on pipeline schedules."""
    job = _mapping(job)
    rules = job.get("rules") if isinstance(job.get("rules"), list) else []
    if any(isinstance(r, dict) and SCHEDULED.search(str(r.get("if", ""))) for r in rules):
        return True
    only = job.get("only")
    refs = _mapping(only).get("refs") if isinstance(only, dict) else only
    return "schedules" in _strings(refs)


def _mapping(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, str | int | float)]
    return []


def _code_line(repo: Repository, relative: str, text: str) -> int:
    """The first line that holds ``text`` outside a comment (1 when none does)."""
    wanted = text.lower()
    for number, line in enumerate((repo.text(relative) or "").splitlines(), 1):
        if wanted in line.lower() and not line.lstrip().startswith("#"):
            return number
    return 1


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

    Read by sekit's one reader (:mod:`sekit.servedlog`: each line validated and capped,
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
