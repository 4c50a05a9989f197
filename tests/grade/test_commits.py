"""Commit messages and pull requests, read from a real git history built for the test."""

from __future__ import annotations

import pytest

from sekit.grade.detectors import ITEMS
from sekit.grade.detectors.commits import unreasonable
from sekit.grade.repository import Repository
from tests.grade.conftest import Repo, commit

TESTED = {"vcs.messages", "vcs.pull_requests"}
SUBJECTS = [
    # (subject, says what changed)
    ("Add a data test for missing reviews", True),
    ("feat(api): return the model version with each prediction", True),
    ("Fix the off-by-one in the train/test split", True),
    ("Update ACTIVITY.md", True),  # a document: naming the file is enough
    ("Initial commit", True),
    ("update", False),
    ("fix", False),
    ("wip", False),
    ("fix: typo", False),
    ("Minor changes", False),
    ("Update app.py", False),  # GitHub's web editor, for code: which file, not what changed
    ("Add files via upload", False),
    ("asdf", False),
]  # fmt: skip


@pytest.mark.parametrize(("subject", "reasonable"), SUBJECTS)
def test_a_message_says_what_changed(subject: str, reasonable: bool) -> None:
    assert (unreasonable(subject) is None) == reasonable


def test_the_share_of_reasonable_messages_earns_the_item(repo: Repo) -> None:
    root = repo({"a.py": "x = 1\n"}, commits=0)
    for number, subject in enumerate(
        ["Add the training stage", "update", "Log every prediction with its latency", "fix"]
    ):
        (root / "a.py").write_text(f"x = {number}\n")
        commit(root, subject)
    found = ITEMS["vcs.messages"](Repository(root))
    assert found.status == "partial" and found.share == pytest.approx(0.5 / 0.8, abs=1e-3)
    assert found.evidence[0] == "2 of 4 messages say what changed (50%)"
    assert "'update': one word" in " ".join(found.evidence)
    for number in range(6):
        (root / "a.py").write_text(f"y = {number}\n")
        commit(root, f"Add feature {number} to the service")
    assert ITEMS["vcs.messages"](Repository(root)).status == "met"  # 8 of 10 = 80%


def test_bots_and_merges_are_not_the_teams_messages(repo: Repo) -> None:
    root = repo({"a.py": "x = 1\n"}, commits=0)
    commit(root, "Add the service")
    (root / "README.md").write_text("badge\n")
    commit(root, "update", author="github-actions[bot]")
    found = ITEMS["vcs.messages"](Repository(root))
    assert found.status == "met" and found.evidence[0].startswith("1 of 1")


def test_pull_requests_are_counted_from_merge_subjects(repo: Repo) -> None:
    root = repo({"a.py": "x = 1\n"}, commits=0)
    commit(root, "Add the service")
    commit(root, "Merge pull request #3 from team/feature-x")
    commit(root, "Add a load test (#4)")
    found = ITEMS["vcs.pull_requests"](Repository(root))
    assert found.status == "partial" and found.share == pytest.approx(0.4)
    assert "reviewed is not in git" in found.evidence[1]
    empty = repo({"a.py": "x = 1\n"})
    assert ITEMS["vcs.pull_requests"](Repository(empty)).status == "missing"
