"""Commits made by bots: CI jobs that commit (badges, version bumps), dependency updaters.

They are not the team's work: the process table lists them apart and ``vcs.git`` counts only
the team's commits. A bot is known by its address (``github-actions@github.com``,
``...[bot]@users.noreply.github.com``, GitLab's ``project_N_bot...@noreply...``) or by a name
ending in ``[bot]``, or one of the well-known bot names; a person who names themselves
"github-actions" is counted as a bot too, which is the side to err on.
"""

from __future__ import annotations

import re

BOT_NAMES = re.compile(
    r"\[bot\]$|^(github-actions|dependabot(-preview)?|renovate(-bot)?|pre-commit-ci|"
    r"gitlab-ci|semantic-release-bot|allcontributors|snyk-bot|codecov|mergify|imgbot|"
    r"actions-user|github actions)$",
    re.IGNORECASE,
)
BOT_ADDRESSES = re.compile(
    r"\[bot\]@users\.noreply\.github\.com$|^github-actions@github\.com$|"
    r"^action@github\.com$|^actions@github\.com$|^project_\d+_bot\w*@noreply\.|"
    r"^noreply@github\.com$|^bot@renovateapp\.com$",
    re.IGNORECASE,
)


def is_bot(name: str, email: str) -> bool:
    """Whether a commit's author is a bot (see the module's docstring)."""
    return bool(
        BOT_NAMES.search(name.strip().strip("\"'“”")) or BOT_ADDRESSES.search(email.strip())
    )
