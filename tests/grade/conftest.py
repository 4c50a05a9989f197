"""Team repositories built from data: {path: content}, optionally committed to git."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import make_tree

GIT = ["git", "-c", "user.name=Student", "-c", "user.email=student@uni.example"]


def commit(root: Path, message: str, *, author: str | None = None) -> None:
    identity = (
        GIT
        if author is None
        else ["git", "-c", f"user.name={author}", "-c", f"user.email={author.lower()}@uni.example"]
    )
    subprocess.run(["git", "add", "-A"], cwd=root, check=True, capture_output=True)
    subprocess.run(
        [*identity, "commit", "-q", "--allow-empty", "-m", message],
        cwd=root,
        check=True,
        capture_output=True,
    )


def git_repo(root: Path, files: dict[str, str | bytes], commits: int = 1) -> Path:
    make_tree(files, root)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True, capture_output=True)
    for number in range(commits):
        commit(root, f"work {number}")
    return root


Repo = Callable[..., Path]


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    counter = {"n": 0}

    def build(files: dict[str, str | bytes], *, git: bool = True, commits: int = 1) -> Path:
        counter["n"] += 1
        root = tmp_path / f"team-{counter['n']}"
        root.mkdir()
        return git_repo(root, files, commits) if git else make_tree(files, root)

    return build
