"""Reading a team's repository safely: files and git history, never the team's code.

Grading without ``--run`` only reads: it never imports, executes or unpickles anything from
the repository. Files are walked without following symlinks (a link that points outside the
repository is ignored), at most :data:`MAX_FILES` of them; text is read up to :data:`MAX_BYTES`
per file, undecodable bytes replaced; binary files are recognised and skipped. Git runs only
read-only commands, each with a time limit.
"""

from __future__ import annotations

import ast
import fnmatch
import os
import re
import subprocess
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

MAX_FILES = 20_000
MAX_BYTES = 1_000_000
GIT_TIMEOUT = 30.0
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
}


@dataclass(frozen=True)
class Hit:
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text.strip()[:100]}"


@dataclass
class Repository:
    root: Path
    notes: list[str] = field(default_factory=list)

    @cached_property
    def files(self) -> list[str]:
        """Relative POSIX paths of regular files, symlinks and junk folders left out."""
        found: list[str] = []
        root = self.root.resolve()
        for folder, dirs, names in os.walk(root, followlinks=False):
            dirs[:] = sorted(
                d
                for d in dirs
                if d not in SKIP_DIRS
                and not d.endswith(".egg-info")
                and not (Path(folder) / d).is_symlink()
            )
            for name in sorted(names):
                path = Path(folder) / name
                if path.is_symlink():
                    target = path.resolve()
                    if not target.is_relative_to(root) or not target.is_file():
                        continue
                elif not path.is_file():
                    continue
                found.append(path.relative_to(root).as_posix())
                if len(found) >= MAX_FILES:
                    self.notes.append(f"only the first {MAX_FILES:,} files were scanned")
                    return found
        return found

    def exists(self, pattern: str) -> list[str]:
        """Files matching a glob (``**`` allowed), e.g. ``docs/*model*card*.md``."""
        regex = re.compile(fnmatch.translate(pattern), re.IGNORECASE)
        return [f for f in self.files if regex.match(f)]

    def text(self, relative: str) -> str | None:
        """The file's text (at most MAX_BYTES), or None when it is binary or unreadable."""
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
        text = self.text(relative)
        if text is None:
            return None
        try:
            return ast.parse(text)
        except (SyntaxError, ValueError):
            return None

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
        hits: list[Hit] = []
        for relative in self.files:
            if not any(fnmatch.fnmatch(relative.lower(), g.lower()) for g in globs):
                continue
            text = self.text(relative)
            if text is None:
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

    # --- git (read-only) ----------------------------------------------------------------------

    @cached_property
    def is_git(self) -> bool:
        return (self.root / ".git").exists() and self.git("rev-parse", "--git-dir") is not None

    def git(self, *args: str, timeout: float = GIT_TIMEOUT) -> str | None:
        """Output of a read-only git command, or None when it fails or takes too long."""
        env = {
            **os.environ,
            "GIT_OPTIONAL_LOCKS": "0",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_CONFIG_NOSYSTEM": "1",
        }
        try:
            done = subprocess.run(
                ["git", "-c", f"safe.directory={self.root.resolve()}", *args],
                cwd=self.root,
                capture_output=True,
                timeout=timeout,
                env=env,
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        if done.returncode != 0:
            return None
        return done.stdout.decode("utf-8", errors="replace")

    def commits_touching(self, relative: str) -> list[str]:
        """Subjects of the commits that changed a file, newest first."""
        out = self.git("log", "--format=%s", "--", relative)
        return [line for line in (out or "").splitlines() if line]
