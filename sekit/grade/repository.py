"""Reading a team's repository safely: one cached index of its files, and its git history.

Grading without ``--run`` only reads: it never imports, executes or unpickles anything from
the repository, and never starts ``git`` on it (history is read by :mod:`sekit.grade.gitread`).
Files are walked without recursion or following symlinks (:mod:`sekit.grade.walk`; a link
that points outside the repository is ignored, folders deeper than 64 levels are not read), at
most :data:`MAX_FILES` of them; text is read up to :data:`MAX_BYTES` per file,
undecodable bytes replaced; binary files are recognised and skipped. Every detector reads
through one :class:`Repository`, which reads each file and parses each Python file once.
"""

from __future__ import annotations

import ast
import fnmatch
import re
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from sekit.grade.gitread import Commit, GitHistory, RefusedRepository, UnreadableFormat, git_dir
from sekit.grade.model import RunRecord
from sekit.grade.walk import Walk

if TYPE_CHECKING:
    from collections.abc import Iterable

# CPython 3.11's ast.parse is not safe in threads ("AST constructor recursion depth mismatch",
# python/cpython#106905): teams are graded in threads, so parsing takes turns.
_PARSE = threading.Lock()
MAX_FILES = 20_000
MAX_BYTES = 1_000_000
SKIP_DIRS = {
    ".git",
    ".venv",
    "venv",
    "env",
    "node_modules",
    ".tox",
    ".nox",
    "__pycache__",
    "build",
    "dist",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".sekit",
    ".hypothesis",
    "site-packages",
    ".ipynb_checkpoints",
    ".idea",
    ".vscode",
    ".dvc",
    "mlruns",
}
KEEP_IN_SKIPPED = (".dvc/config",)  # files inside skipped folders that detectors read


@dataclass(frozen=True)
class Hit:
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text.strip()[:100]}"


@dataclass
class Repository:
    """One team's repository. ``head`` grades the history up to that commit (``--history``);
    ``git_folder`` reads the history from another folder than ``root`` (an exported past tree).
    """

    root: Path
    notes: list[str] = field(default_factory=list)
    head: str | None = None
    git_folder: Path | None = None
    unreadable_history: str | None = None  # a history that exists but sekit cannot read
    run: RunRecord | None = None  # what `--run` measured in the sandbox; None: files only
    _texts: dict[str, str | None] = field(default_factory=dict, repr=False)
    _trees: dict[str, ast.Module | None] = field(default_factory=dict, repr=False)

    @cached_property
    def files(self) -> list[str]:
        """Relative POSIX paths of regular files, symlinks and junk folders left out."""
        found: list[str] = []
        root = self.root.resolve()
        walk = Walk(root, keep=lambda d: d not in SKIP_DIRS and not d.endswith(".egg-info"))
        for folder, _, names in walk:
            for name in names:
                path = Path(folder) / name
                try:
                    if path.is_symlink():
                        target = path.resolve()
                        if not target.is_relative_to(root) or not target.is_file():
                            continue
                    elif not path.is_file():
                        continue
                except (OSError, RuntimeError):  # a path too long, a link loop
                    continue
                found.append(path.relative_to(root).as_posix())
                if len(found) >= MAX_FILES:
                    self.notes.append(f"only the first {MAX_FILES:,} files were scanned")
                    return found
        self.notes += walk.skipped
        found += [
            f for f in KEEP_IN_SKIPPED if (root / f).is_file() and not (root / f).is_symlink()
        ]
        return found

    def exists(self, pattern: str) -> list[str]:
        """Files matching a glob (``**`` allowed), e.g. ``docs/*model*card*.md``."""
        regex = re.compile(fnmatch.translate(pattern), re.IGNORECASE)
        return [f for f in self.files if regex.match(f)]

    def matching(self, globs: Iterable[str]) -> list[str]:
        """Files matching any of ``globs``, in index order."""
        chosen = tuple(g.lower() for g in globs)
        return [f for f in self.files if any(fnmatch.fnmatch(f.lower(), g) for g in chosen)]

    def text(self, relative: str) -> str | None:
        """The file's text (at most MAX_BYTES), or None when it is binary or unreadable."""
        if relative not in self._texts:
            self._texts[relative] = self._read(relative)
        return self._texts[relative]

    def _read(self, relative: str) -> str | None:
        try:
            with (self.root / relative).open("rb") as handle:
                data = handle.read(MAX_BYTES)
        except OSError:
            return None
        if b"\x00" in data[:8192]:
            return None
        return data.decode("utf-8", errors="replace")

    def python(self, relative: str) -> ast.Module | None:
        """The file's syntax tree (parsed, never run), or None when it is not valid Python."""
        if relative not in self._trees:
            text = self.text(relative)
            tree = None
            if text is not None:
                try:
                    with _PARSE:
                        tree = ast.parse(text)
                except (SyntaxError, ValueError, RecursionError):
                    tree = None
            self._trees[relative] = tree
        return self._trees[relative]

    def grep(
        self,
        pattern: str,
        globs: tuple[str, ...] = ("*",),
        *,
        limit: int = 20,
        flags: int = re.IGNORECASE,
    ) -> list[Hit]:
        """Lines matching ``pattern`` in files matching any of ``globs``."""
        regex = re.compile(pattern, flags)
        anywhere = re.compile(pattern, flags | re.MULTILINE)  # a quick test of the whole text
        hits: list[Hit] = []
        for relative in self.matching(globs):
            text = self.text(relative)
            if text is None or not anywhere.search(text):
                continue
            for number, line in enumerate(text.splitlines(), start=1):
                if regex.search(line):
                    hits.append(Hit(relative, number, line))
                    if len(hits) >= limit:
                        return hits
        return hits

    def lines_of(self, globs: tuple[str, ...]) -> int:
        total = 0
        for relative in self.files:
            if any(fnmatch.fnmatch(relative, g) for g in globs):
                text = self.text(relative)
                if text is not None:
                    total += sum(1 for line in text.splitlines() if line.strip())
        return total

    # --- git history (read with dulwich; nothing of the repository runs) ---------------------

    @cached_property
    def history(self) -> GitHistory | None:
        """The repository's history, or None (no git folder, or one that was refused)."""
        try:
            folder = self.git_folder or git_dir(self.root)
            if folder is None:
                return None
            history = GitHistory(folder, head=self.head)
        except UnreadableFormat as exc:
            self.unreadable_history = f"git history not read: {exc}"
            self.notes.append(self.unreadable_history)
            return None
        except RefusedRepository as exc:
            self.notes.append(f"git history not read: {exc}")
            return None
        except OSError as exc:
            self.notes.append(f"git history not read: {exc}")
            return None
        except Exception as exc:  # a git format dulwich does not know: grade without history
            self.unreadable_history = (
                f"git history not read: the git folder is in a form sekit cannot read "
                f"({type(exc).__name__}: {exc}); the files are graded, the history is not"
            )
            self.notes.append(self.unreadable_history)
            return None
        if history.head is None or not history.commits:
            history.close()
            return None
        if history.truncated:
            self.notes.append(f"only the newest {len(history.commits):,} commits were read")
        return history

    @property
    def is_git(self) -> bool:
        return self.history is not None

    @property
    def commits(self) -> list[Commit]:
        """Every commit up to the head, newest first (empty without history)."""
        return self.history.commits if self.history is not None else []

    def commits_touching(self, relative: str) -> list[str]:
        """Subjects of the commits that changed a file, newest first."""
        if self.history is None:
            return []
        return [c.subject for c in self.history.touching(relative)]

    def close(self) -> None:
        if "history" in self.__dict__ and self.history is not None:
            self.history.close()
