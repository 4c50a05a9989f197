"""``sekit init``: bring sekit into a repository that did not start from ``sekit new``.

:func:`adopt` reads the repository (:mod:`sekit.adopt.discover`; nothing is run or imported),
writes ``sekit.toml`` with a comment on each guess and, only when asked, a CI job and a
pre-commit hook. It never changes a file that exists: the config, the workflow and the hook
are created, never replaced (a file that is there already is an error, exit 2, or for the
optional files, a line saying what to add by hand).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sekit.adopt.discover import Found, discover
from sekit.adopt.write import PRECOMMIT, ci_text, config_text
from sekit.errors import UsageError

WORKFLOW = Path(".github/workflows/sekit.yml")
PRECOMMIT_FILE = Path(".pre-commit-config.yaml")


@dataclass
class Adoption:
    """What ``sekit init`` found, wrote, and left for the team to decide."""

    found: Found
    written: list[Path] = field(default_factory=list)
    not_written: list[str] = field(default_factory=list)


def _install(root: Path) -> str:
    if (root / "pyproject.toml").is_file():
        return 'pip install -e ".[dev]" || pip install -e .'
    if (root / "requirements.txt").is_file():
        return "pip install -r requirements.txt"
    return "true  # install the project's dependencies here"


def _create(path: Path, text: str) -> None:
    """Write a new file; an existing one is never replaced (checked by the OS, not before)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as handle:
        handle.write(text)


def adopt(
    root: Path,
    *,
    output: Path | None = None,
    ci: bool = False,
    precommit: bool = False,
    pretend: bool = False,
) -> Adoption:
    """Write ``sekit.toml`` (or ``output``) for the repository at ``root``.

    A UsageError (exit 2) when the config file exists, when ``pyproject.toml`` already holds
    ``[tool.sekit]`` (without ``output``), or when nothing (no data, model or service) was
    found. ``pretend`` writes nothing and says what would be written.
    """
    if not root.is_dir():
        raise UsageError(f"{root}: no such folder")
    target = output if output is not None else root / "sekit.toml"
    if target.exists():
        raise UsageError(
            f"{target}: exists; sekit init never changes a file",
            hint="pass --output PATH to write the guessed configuration elsewhere",
        )
    pyproject = root / "pyproject.toml"
    if output is None and pyproject.is_file() and "[tool.sekit" in pyproject.read_text("utf-8"):
        raise UsageError(
            f"{pyproject}: already holds [tool.sekit]; sekit init never changes a file",
            hint="pass --output PATH to write the guessed configuration elsewhere",
        )
    found = discover(root)
    if not found.anything:
        raise UsageError(
            f"{root}: found no data, model or service to configure",
            hint="; ".join(found.undecided),
        )
    adoption = Adoption(found)
    files = {target: config_text(root.resolve().name, found)}
    if ci:
        workflow = root / WORKFLOW
        if workflow.exists():
            adoption.not_written.append(f"{WORKFLOW}: exists, left as it is")
        else:
            files[workflow] = ci_text(found, install=_install(root))
    if precommit:
        hook = root / PRECOMMIT_FILE
        if hook.exists():
            adoption.not_written.append(
                f"{PRECOMMIT_FILE}: exists, left as it is; add the hook by hand:\n"
                + PRECOMMIT.split("repos:\n", 1)[1]
            )
        else:
            files[hook] = PRECOMMIT
    for path, text in files.items():
        if not pretend:
            _create(path, text)
        adoption.written.append(path)
    return adoption


__all__ = ["Adoption", "Found", "adopt", "discover"]
