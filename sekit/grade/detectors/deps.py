"""Dependencies: declared, with versions, and development tools kept apart."""

from __future__ import annotations

import re
from typing import Any

from sekit.grade.detectors.common import Outcome, pyproject
from sekit.grade.detectors.item import Item, item
from sekit.grade.repository import Repository

LOCKS = ("poetry.lock", "uv.lock", "pdm.lock", "Pipfile.lock", "conda-lock.yml")
VERSIONED = re.compile(r"(==|>=|~=|<=|<|>|\^|~|@)")
DEV_GROUPS = {"dev", "test", "tests", "lint", "testing", "develop", "development", "docs"}


def _declared(repo: Repository) -> tuple[list[str], str | None]:
    """The declared requirement strings and where they come from."""
    data = pyproject(repo)
    project = data.get("project", {})
    if isinstance(project, dict) and isinstance(project.get("dependencies"), list):
        found = [str(d) for d in project["dependencies"]]
        if found:
            return found, "pyproject.toml [project] dependencies (PEP 621)"
    poetry = data.get("tool", {}).get("poetry", {})
    if isinstance(poetry, dict) and isinstance(poetry.get("dependencies"), dict):
        found = [
            f"{name} {value if isinstance(value, str) else value.get('version', '')}".strip()
            for name, value in poetry["dependencies"].items()
            if name.lower() != "python" and isinstance(value, str | dict)
        ]
        if found:
            return found, "pyproject.toml [tool.poetry.dependencies]"
    for name in sorted(repo.exists("requirements*.txt")):
        if re.search(r"dev|test|lint|doc", name.rsplit("/", 1)[-1]):
            continue
        lines = [
            line.split("#", 1)[0].strip()
            for line in (repo.text(name) or "").splitlines()
            if line.split("#", 1)[0].strip() and not line.strip().startswith("-")
        ]
        if lines:
            return lines, name
    for name in ("environment.yml", "environment.yaml", "setup.py", "setup.cfg"):
        if name in repo.files and re.search(
            r"dependencies|install_requires", repo.text(name) or ""
        ):
            return ["(see file)"], name
    return [], None


@item("deps.declared", "dependencies", "dependencies declared, with versions", points=4)
def dependencies(repo: Repository) -> Outcome:
    """Half for declaring dependencies, half for versions a rebuild can reproduce."""
    declared, where = _declared(repo)
    locks = [f for f in LOCKS if f in repo.files]
    if not declared and not locks:
        return Outcome("missing", ["no pyproject.toml dependencies, lock file or requirements.txt"])
    evidence = [f"{where}: {len(declared)} dependencies"] if where else []
    if locks:
        evidence.append(f"lock file: {locks[0]}")
        return Outcome("met", evidence, 1.0)
    versioned = [d for d in declared if VERSIONED.search(d)]
    share = len(versioned) / len(declared) if declared and declared != ["(see file)"] else 0.0
    evidence.append(f"{len(versioned)} of {len(declared)} with versions, no lock file")
    credit = 0.5 + 0.5 * share
    return Outcome("met" if share >= 0.8 else "partial", evidence, credit)


def _dev_tools(data: dict[str, Any]) -> list[str]:
    extras = data.get("project", {}).get("optional-dependencies", {})
    groups = data.get("dependency-groups", {})
    poetry = data.get("tool", {}).get("poetry", {})
    names = [*extras, *groups, *poetry.get("group", {})] if isinstance(poetry, dict) else []
    if isinstance(poetry, dict) and poetry.get("dev-dependencies"):
        names.append("dev-dependencies")
    return [str(n) for n in names if str(n).lower() in DEV_GROUPS | {"dev-dependencies"}]


@item("deps.dev_separate", "dependencies", "development dependencies kept apart", points=2)
def dev_dependencies(repo: Repository) -> Outcome:
    """A development group or extra (dev, test, lint), or a requirements-dev file."""
    named = _dev_tools(pyproject(repo))
    if named:
        return Outcome("met", [f"pyproject.toml: development group {named[0]!r}"])
    files = [
        f
        for f in repo.exists("*requirements*.txt")
        if re.search(r"dev|test|lint", f.rsplit("/", 1)[-1])
    ]
    if files:
        return Outcome("met", [files[0]])
    return Outcome("missing", ["no development dependency group or requirements-dev.txt"])


ITEMS: tuple[Item, ...] = (dependencies, dev_dependencies)
