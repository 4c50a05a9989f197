"""Walking a team's folder tree without recursion, symlinks or limits a team controls.

``os.walk`` recurses on Python 3.11: a repository nested a few thousand folders deep raises
``RecursionError`` in it, and a path longer than the system allows makes listing fail. A team
must not be able to make itself ungradeable, so :func:`walk` keeps its own stack, never follows
a symbolic link, stops descending at :data:`MAX_DEPTH` folders and skips a folder it cannot
list; what it passed over is in :attr:`Walk.skipped` for the grade's notes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

MAX_DEPTH = 64  # folders below the root; deeper ones are not read


@dataclass
class Walk:
    """A top-down walk of ``root``: iterate for ``(folder, dirs, files)`` as ``os.walk`` gives
    them (sorted; prune ``dirs`` in place to skip folders)."""

    root: Path
    max_depth: int = MAX_DEPTH
    keep: Callable[[str], bool] = lambda name: True  # folder names to descend into
    too_deep: int = 0  # folders not read because of their depth
    unreadable: int = 0  # folders that could not be listed
    _stack: list[tuple[str, int]] = field(default_factory=list, repr=False)

    def __iter__(self) -> Iterator[tuple[str, list[str], list[str]]]:
        self._stack = [(str(self.root), 0)]
        while self._stack:
            folder, depth = self._stack.pop()
            try:
                with os.scandir(folder) as entries:
                    listed = list(entries)
            except OSError:
                self.unreadable += 1
                continue
            dirs, files = [], []
            for entry in listed:
                try:
                    is_dir = entry.is_dir(follow_symlinks=False)
                except OSError:
                    continue
                if is_dir and self.keep(entry.name):
                    dirs.append(entry.name)
                elif not is_dir:
                    files.append(entry.name)  # files and symbolic links (callers decide)
            dirs.sort()
            files.sort()
            yield folder, dirs, files
            if depth >= self.max_depth:
                self.too_deep += len(dirs)
                continue
            # pushed in reverse so that the first folder is read first, as os.walk does
            self._stack.extend(
                (os.path.join(folder, d), depth + 1)  # noqa: PTH118 (str paths: scandir is faster)
                for d in reversed(dirs)
            )

    @property
    def skipped(self) -> list[str]:
        """One line per kind of folder passed over, for a grade's notes."""
        notes = []
        if self.too_deep:
            notes.append(
                f"{self.too_deep:,} folders deeper than {self.max_depth} levels were not read"
            )
        if self.unreadable:
            notes.append(f"{self.unreadable:,} folders could not be listed and were not read")
        return notes
