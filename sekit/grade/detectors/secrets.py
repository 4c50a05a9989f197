"""Secrets: keys, tokens and passwords committed to the repository.

A course project that calls a given endpoint (an LLM's API) needs a key; the key belongs in an
environment variable or the CI's secret store, never in a file git keeps: anyone who can read
the repository (or its history) can spend the team's money. Found by the shapes keys have
(``sk-...``, ``AKIA...``, a long bearer token, ``api_key = "..."``), never by running anything.
The evidence shows where, with the value masked.
"""

from __future__ import annotations

import re

from sekit.grade.detectors.common import Outcome
from sekit.grade.detectors.item import Item, item
from sekit.grade.repository import Repository

SHAPES = (
    r"\bsk-(proj-)?[A-Za-z0-9_-]{20,}",  # OpenAI-style keys
    r"\bAKIA[0-9A-Z]{16}\b",  # AWS access key ids
    r"\bgh[pousr]_[A-Za-z0-9]{30,}",  # GitHub tokens
    r"\bhf_[A-Za-z0-9]{30,}",  # Hugging Face tokens
    r"Bearer\s+[A-Za-z0-9._~+/-]{24,}",
    r"(api[_-]?key|secret|token|password)\s*[:=]\s*[\"'][^\"'\s]{16,}[\"']",
)
# where keys turn up in course repositories: code and notebooks, configuration, shell scripts
# that export them, notes and text files, Dockerfiles that bake them in
FILES = (
    "*.py",
    "*.ipynb",
    "*.toml",
    "*.yml",
    "*.yaml",
    "*.json",
    "*.cfg",
    "*.ini",
    "*.conf",
    "*.properties",
    "*.env",
    ".env*",
    "*.md",
    "*.txt",
    "*.sh",
    "*.bash",
    "*.ps1",
    "*.js",
    "*.ts",
    "*.tf",
    "*Dockerfile*",
)
PLACEHOLDER = re.compile(r"x{6,}|\.\.\.|<[^>]+>|your[_-]|example|changeme|dummy|fake", re.I)


@item("quality.secrets", "code quality", "no key, token or password committed", points=2)
def secrets(repo: Repository) -> Outcome:
    """No key, token or password in the files: met; each one found is named (masked)."""
    found = []
    for hit in repo.grep("|".join(f"({shape})" for shape in SHAPES), FILES, limit=10):
        if PLACEHOLDER.search(hit.text):
            continue  # documentation's examples, not keys
        masked = re.sub(r"([A-Za-z0-9_-]{4})[A-Za-z0-9._~+/-]{8,}", r"\1…", hit.text.strip())
        found.append(f"{hit.path}:{hit.line}: {masked[:100]}")
    if found:
        return Outcome(
            "missing", [f"{len(found)} committed secret(s): revoke and move them", *found]
        )
    return Outcome("met", ["no key, token or password in the files"])


ITEMS: tuple[Item, ...] = (secrets,)
