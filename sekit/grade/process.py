"""The team's process from git: commits and changed lines per member, activity per week.

Bots (:mod:`sekit.grade.bots`) are listed apart under ``bots``, never as members."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime
from typing import Any

from sekit.grade.bots import is_bot
from sekit.grade.repository import Repository

MAX_DIFFED = 2_000  # commits whose changed lines are counted (the newest); all are counted


def process(repo: Repository) -> dict[str, Any]:
    history = repo.history
    if history is None:
        return {}
    members: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"commits": 0, "added": 0, "deleted": 0, "name": ""}
    )
    bots: Counter[str] = Counter()
    weeks: Counter[str] = Counter()
    diffed = 0
    for commit in history.commits:
        if len(commit.parents) > 1:
            continue  # merges, as git log --no-merges
        if is_bot(commit.author, commit.email):
            bots[commit.author or commit.email] += 1
            continue  # a CI job's badge commits are not a member's work
        current = members[commit.email.lower() or commit.author]
        current["commits"] += 1
        current["name"] = commit.author
        weeks[datetime.fromtimestamp(commit.time, UTC).strftime("%G-W%V")] += 1
        if diffed < MAX_DIFFED:
            diffed += 1
            for change in history.changes(commit):
                current["added"] += change.added
                current["deleted"] += change.deleted
    total = sum(m["commits"] for m in members.values()) or 1
    return {
        "members": sorted(
            (
                {"email": email, **data, "share": data["commits"] / total}
                for email, data in members.items()
            ),
            key=lambda m: -m["commits"],
        ),
        "weeks": dict(sorted(weeks.items())),
        "bots": [{"name": name, "commits": n} for name, n in bots.most_common()],
    }
