"""Scheduled retraining (the course's second phase), read from the parsed YAML of CI workflows
and Kubernetes CronJobs: what runs on a schedule, whether it trains, and whether a check
decides before the new model is promoted. Nothing is run."""

from __future__ import annotations

import re
from typing import Any

from sekit.grade.detectors.ci import GITLAB_KEYWORDS
from sekit.grade.detectors.common import Outcome, yaml_documents
from sekit.grade.detectors.item import Item, item
from sekit.grade.repository import Repository

SCHEDULED = re.compile(r"CI_PIPELINE_SOURCE\s*==\s*[\"']?schedule", re.I)
TRAINS = re.compile(r"sekit retrain|dvc repro|\btrain(\.py|\b)|mlflow run", re.I)
CHECKS = re.compile(r"sekit (retrain|gate|check release)|\bpromote\b", re.I)
WORKFLOWS = (".github/workflows/*.yml", ".github/workflows/*.yaml", ".gitlab-ci.yml", "*.yaml")


@item("ops.retraining", "operation", "scheduled retraining, checked before promotion", points=3)
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


ITEMS: tuple[Item, ...] = (retraining,)
