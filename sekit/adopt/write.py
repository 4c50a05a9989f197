"""The files ``sekit init`` writes: ``sekit.toml`` with a comment on each guess, and on request
a CI job and a pre-commit hook."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sekit.adopt.discover import Found, Guess


def _value(guess: Guess) -> str:
    return json.dumps(guess.value)  # a TOML basic string is a JSON string


def _line(key: str, guess: Guess | None, missing: str) -> str:
    if guess is None:
        return f"# {key} = ...   # {missing}"
    return f"{key} = {_value(guess)}   # {guess.why}"


def config_text(name: str, found: Found) -> str:
    """``sekit.toml`` for an adopted repository: decided keys set, undecided ones commented."""
    day = datetime.now(UTC).date().isoformat()
    lines = [
        f"# sekit's configuration, written by `sekit init` on {day} from what this repository",
        "# already has. Every value is a guess with its reason beside it: check each one.",
        "# `sekit config validate` checks this file; `sekit config schema` lists every key.",
        "",
        "[project]",
        f"name = {json.dumps(name)}",
        "",
    ]
    if found.train is not None:
        lines += [
            "[data]",
            _line("train", found.train, ""),
            _line("test", found.test, "no test split found: the data checks run on train"),
            _line("label", found.label, "no label column found: name it"),
            "",
        ]
    if found.model is not None:
        lines += [
            "[model]",
            _line("path", found.model, ""),
            _line("task", found.task, ""),
            '# loader = "package.module:load"   # when the model needs its preprocessing first',
            "",
        ]
    if found.service is not None:
        lines += [
            "[service]",
            _line("command", found.service, ""),
            _line("health", found.health, "no health route found: add GET /health"),
            _line("endpoint", found.endpoint, "the route that predicts"),
            "",
        ]
    lines += [
        "# What blocks a deployment (`sekit gate`): add bounds once the checks run, e.g.",
        "# [gates]",
        '# "model.accuracy" = { min = 0.8 }',
    ]
    return "\n".join(lines) + "\n"


GITHUB_JOB = """\
# sekit's gate and readiness report, added by `sekit init --ci`. The report is bound to the
# commit it judged (`sekit grade --attest`): the instructor's `sekit grade --collect` refuses
# one that does not match the repository at that commit.
name: sekit
on:
  push:
  pull_request:

jobs:
  sekit:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install
        run: |
          pip install sekit-ml
          {install}
{dvc}      - name: Gate
        run: sekit gate
      - name: Readiness report, bound to this commit
        if: always()
        run: sekit grade . --attest .sekit/attestation.json
      - name: Keep the reports
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: sekit-report
          path: .sekit/
"""
DVC_STEP = """\
      - name: Data and model (DVC)
        run: dvc pull
        # env:  # the remote's credentials, from the repository's secrets
        #   GDRIVE_CREDENTIALS_DATA: ${{{{ secrets.GDRIVE_CREDENTIALS_DATA }}}}
"""


def ci_text(found: Found, *, install: str) -> str:
    """A GitHub Actions workflow that gates and writes the bound report."""
    return GITHUB_JOB.format(install=install, dvc=DVC_STEP.format() if found.dvc else "")


PRECOMMIT = """\
# Added by `sekit init --pre-commit`: the configuration is checked before each commit.
repos:
  - repo: local
    hooks:
      - id: sekit-config
        name: sekit config validate
        entry: sekit config validate
        language: system
        files: ^(sekit\\.toml|pyproject\\.toml)$
        pass_filenames: false
"""
