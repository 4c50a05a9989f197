"""The team's process from git: commits and changed lines per member, activity per week."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime
from typing import Any

from sekit.grade.repository import Repository

SEPARATOR = "\x1f"


def process(repo: Repository) -> dict[str, Any]:
    if not repo.is_git:
        return {}
    log = repo.git(
        "log",
        "--no-merges",
        f"--format=@@{SEPARATOR}%h{SEPARATOR}%an{SEPARATOR}%ae{SEPARATOR}%at",
        "--numstat",
    )
    if log is None:
        return {}
    members: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"commits": 0, "added": 0, "deleted": 0, "name": ""}
    )
    weeks: Counter[str] = Counter()
    current: dict[str, Any] | None = None
    for line in log.splitlines():
        if line.startswith(f"@@{SEPARATOR}"):
            _, _, name, email, stamp = line.split(SEPARATOR)
            current = members[email.lower() or name]
            current["commits"] += 1
            current["name"] = name
            week = datetime.fromtimestamp(int(stamp), UTC).strftime("%G-W%V")
            weeks[week] += 1
        elif current is not None and line.strip():
            added, deleted, *_ = line.split("\t")
            if added.isdigit() and deleted.isdigit():  # "-" for binary files
                current["added"] += int(added)
                current["deleted"] += int(deleted)
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
    }
