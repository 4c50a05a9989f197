"""A team's declared dependencies, as requirement strings that pip can install safely.

Read from ``pyproject.toml`` (PEP 621 dependencies and the ``dev``/``test`` extras or groups;
Poetry's tables, whose ``^`` and ``~`` constraints are translated), else from
``requirements*.txt``. Only plain requirements are accepted: a URL, a local path, an editable
install or a pip option (``--index-url``, ``-r``) in a team's file is left out with a note, so a
team cannot point the instructor's pip at its own server or at a file on the machine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sekit.grade.detectors.common import pyproject
from sekit.grade.repository import Repository

GROUPS = ("dev", "test", "tests", "testing")


@dataclass
class Declared:
    requirements: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def _poetry_constraint(name: str, value: Any) -> str | None:
    if isinstance(value, dict):
        if any(k in value for k in ("git", "path", "url")):
            return None
        value = value.get("version", "*")
    if not isinstance(value, str):
        return None
    value = value.strip()
    if value in ("", "*"):
        return name
    caret = re.fullmatch(r"\^(\d+)(?:\.(\d+))?(?:\.(\d+))?", value)
    if caret:
        parts = [int(p) for p in caret.groups() if p is not None]
        first = next((i for i, p in enumerate(parts) if p != 0), len(parts) - 1)
        upper = [*parts[:first], parts[first] + 1]
        return f"{name}>={'.'.join(map(str, parts))},<{'.'.join(map(str, upper))}"
    tilde = re.fullmatch(r"~(\d+)(?:\.(\d+))?(?:\.(\d+))?", value)
    if tilde:
        parts = [int(p) for p in tilde.groups() if p is not None]
        upper = [parts[0] + 1] if len(parts) == 1 else [parts[0], parts[1] + 1]
        return f"{name}>={'.'.join(map(str, parts))},<{'.'.join(map(str, upper))}"
    if re.match(r"^[<>=!~]", value):
        return f"{name}{value}"
    return f"{name}=={value}"


def _safe(line: str) -> bool:
    from packaging.requirements import InvalidRequirement, Requirement

    if line.startswith(("-", ".", "/")) or "://" in line:
        return False
    try:
        requirement = Requirement(line)
    except InvalidRequirement:
        return False
    return requirement.url is None


def declared(repo: Repository) -> Declared:
    """The team's runtime and test requirements, each checked to be a plain requirement."""
    found = Declared()
    candidates: list[str] = []
    data = pyproject(repo)
    project = data.get("project", {}) if isinstance(data.get("project"), dict) else {}
    if isinstance(project.get("dependencies"), list):
        candidates += [str(d) for d in project["dependencies"]]
        found.sources.append("pyproject.toml [project] dependencies")
    extras = project.get("optional-dependencies", {})
    groups = data.get("dependency-groups", {})
    for table, label in ((extras, "optional-dependencies"), (groups, "dependency-groups")):
        for group in GROUPS:
            if isinstance(table, dict) and isinstance(table.get(group), list):
                candidates += [str(d) for d in table[group] if isinstance(d, str)]
                found.sources.append(f"pyproject.toml {label}.{group}")
    poetry = data.get("tool", {}).get("poetry", {}) if isinstance(data.get("tool"), dict) else {}
    if isinstance(poetry, dict):
        tables = [
            ("dependencies", poetry.get("dependencies")),
            ("dev-dependencies", poetry.get("dev-dependencies")),
        ]
        for group in GROUPS:
            tables.append(
                (f"group.{group}", poetry.get("group", {}).get(group, {}).get("dependencies"))
            )
        for label, table in tables:
            if not isinstance(table, dict):
                continue
            found.sources.append(f"pyproject.toml [tool.poetry.{label}]")
            for name, value in table.items():
                if name.lower() == "python":
                    continue
                made = _poetry_constraint(name, value)
                if made is None:
                    found.refused.append(f"{name} (poetry: git, path or url source)")
                else:
                    candidates.append(made)
    if not candidates:
        for relative in sorted(repo.exists("requirements*.txt")):
            found.sources.append(relative)
            for line in (repo.text(relative) or "").splitlines():
                line = line.split(" #", 1)[0].strip()
                if line and not line.startswith("#"):
                    candidates.append(line)
    for candidate in candidates:
        if _safe(candidate):
            found.requirements.append(candidate)
        else:
            found.refused.append(candidate)
    return found
