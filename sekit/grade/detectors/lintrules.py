"""A lint rule of the team's own for ML code smells: a pylint checker (a class built on
pylint's ``BaseChecker`` with a ``register`` function) that the pylint configuration loads, or
a flake8 plugin the configuration declares."""

from __future__ import annotations

import re

from sekit.grade.detectors.common import Outcome, sources
from sekit.grade.detectors.item import Item, item
from sekit.grade.repository import Repository

CONFIGS = (".pylintrc", "pylintrc", "pyproject.toml", "setup.cfg", "tox.ini", ".flake8")


@item("quality.lint_rules", "code quality", "a custom lint rule for ML code smells", points=1)
def lint_rules(repo: Repository) -> Outcome:
    """A custom lint rule: met when the checker is written and the configuration loads it
    (pylint's ``load-plugins``, flake8's ``local-plugins``); half when one is missing."""
    checkers = repo.grep(
        r"class\s+\w+\s*\(\s*(pylint\.checkers\.)?BaseChecker\b|"
        r"class\s+\w+\s*\(.*BaseRawFileChecker|^\s*name\s*=\s*['\"]flake8[-_]",
        tuple(sources(repo)),
        limit=3,
    )
    loaded = repo.grep(
        r"^\s*load[-_]plugins\s*=\s*\S|^\s*\[flake8:local-plugins\]|^\s*local-plugins",
        CONFIGS,
        limit=2,
    )
    smells = [
        h
        for h in checkers
        if re.search(
            r"seed|random|nan|leak|pandas|numpy|sklearn|model|data|ml",
            repo.text(h.path) or "",
            re.I,
        )
    ]
    evidence = [f"checker: {h}" for h in (smells or checkers)[:1]] + [
        f"loaded: {h}" for h in loaded[:1]
    ]
    if checkers and loaded:
        return Outcome("met", evidence)
    if checkers or loaded:
        why = "not loaded by the lint configuration" if checkers else "no checker class found"
        return Outcome("partial", [*evidence, why])
    return Outcome("missing", ["no custom lint rule (a pylint checker the configuration loads)"])


ITEMS: tuple[Item, ...] = (lint_rules,)
