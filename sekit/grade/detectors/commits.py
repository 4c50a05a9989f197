"""The team's commits as a reviewer reads them: messages that say what changed, and work that
reached the main line through pull requests (read from git's objects, never by running git).

A message is *unreasonable* when its subject, without a conventional-commit prefix
(``feat:``, ``fix(api):``), is a single word, a word everyone uses for anything ("update",
"fix", "wip", "changes", "stuff", ...), or the text GitHub's web editor fills in for code
("Update app.py", "Add files via upload"; for a document, naming the file is enough). Merge
commits and bots' commits are left out. Whether a pull request was reviewed is not in git:
only that it was merged. On five REMLA repositories (2026-12-07) it flags 2% to 14% of the
team's messages ("update", "fix", "try", "oops", "Update docker-compose.yml").
"""

from __future__ import annotations

import re

from sekit.grade.bots import is_bot
from sekit.grade.detectors.common import Outcome, scaled
from sekit.grade.detectors.item import Item, item
from sekit.grade.repository import Repository

PREFIX = re.compile(r"^\s*(\w+(\([^)]*\))?!?:|\[[^\]]*\])\s*")
GENERIC = {
    "update", "updates", "updated", "fix", "fixes", "fixed", "fix bug", "bug fix", "bugfix",
    "wip", "change", "changes", "small change", "small changes", "minor", "minor changes",
    "minor fix", "minor fixes", "small fix", "small fixes", "stuff", "test", "tests", "testing",
    "commit", "save", "temp", "tmp", "misc", "final", "done", "more", "more changes",
    "update code", "update files", "fix stuff", "fixes stuff", "asdf", "try", "trying", "again",
    "new", "work", "progress", "changes made", "edit", "edits", "code", "cleanup", "clean up",
    "refactor", "refactoring", "merge", "oops", "typo",
}  # fmt: skip
WEB_EDITOR = re.compile(r"^((Update|Create|Add|Rename)\s+[\w./-]+\.\w+|Add files via upload)$")
DOCUMENT = re.compile(r"\.(md|txt|rst|adoc)$", re.IGNORECASE)
PULL_REQUEST = re.compile(r"^Merge pull request #\d+|\(#\d+\)\s*$|^Merge branch '.+' into '.+'$")
MET_SHARE = 0.8  # CMU's project: "more than 80% reasonable commit messages"


def unreasonable(subject: str) -> str | None:
    """Why a commit subject does not say what changed, or None."""
    text = subject.strip()
    if WEB_EDITOR.match(text) and not DOCUMENT.search(text):
        return "the web editor's default: which file, not what changed"
    bare = PREFIX.sub("", text).strip().rstrip(".!").lower()
    words = re.findall(r"[\w'-]+", bare)
    if len(words) < 2:
        return "one word"
    if " ".join(words) in GENERIC:
        return "says nothing about the change"
    return None


@item("vcs.messages", "version control", "commit messages that say what changed", points=2)
def messages(repo: Repository) -> Outcome:
    """The share of the team's commits whose message says what changed (merges and bots left
    out): full credit from 80%, in proportion below."""
    if repo.history is None:
        return Outcome("missing", ["no git history"])
    commits = [c for c in repo.commits if len(c.parents) < 2 and not is_bot(c.author, c.email)]
    if not commits:
        return Outcome("missing", ["no commits of the team"])
    bad = [(c, why) for c in commits if (why := unreasonable(c.subject))]
    share = 1 - len(bad) / len(commits)
    evidence = [
        f"{len(commits) - len(bad)} of {len(commits)} messages say what changed ({share:.0%})"
    ]
    evidence += [f"{c.short} {c.subject[:60]!r}: {why}" for c, why in bad[:3]]
    return scaled(share, evidence, met_at=MET_SHARE)


@item("vcs.pull_requests", "version control", "work merged through pull requests", points=1)
def pull_requests(repo: Repository) -> Outcome:
    """Work merged through pull requests: a fifth per merged pull request, full at five.
    Reviews are not in git; the instructor checks them on the forge."""
    if repo.history is None:
        return Outcome("missing", ["no git history"])
    merged = [c for c in repo.commits if PULL_REQUEST.search(c.subject)]
    if not merged:
        return Outcome("missing", ["no pull request merged into the history"])
    evidence = [
        f"{len(merged)} pull requests merged; latest: {merged[0].short} {merged[0].subject[:60]}",
        "whether they were reviewed is not in git: check the forge",
    ]
    return scaled(len(merged) / 5, evidence)


ITEMS: tuple[Item, ...] = (messages, pull_requests)
