"""Small file-system helpers shared by reports, scaffolding and grading."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from sekit.errors import InputError


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def atomic_write_text(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` so that readers see the old file or the new one, never half.

    The text goes to a temporary file in the same folder, is flushed to disk, and then replaces
    ``path`` in one atomic rename. If anything fails midway, the previous file stays intact and
    the temporary file is removed.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp creates the file for its owner only; give it the mode a new file would get
        # (or keep the replaced file's mode).
        os.fchmod(fd, path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding=encoding, newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(tmp).unlink()
        raise


def shown_path(path: Path, root: Path) -> str:
    """A path as the config would write it: relative to the project when inside it."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def read_records(path: Path, *, hint: str) -> list[tuple[int, dict[str, Any]]]:
    """The JSON objects of a JSON-lines record sekit keeps (the retraining history, the
    training costs) with their line numbers, oldest first; none when the file does not exist
    yet. Blank lines are
    skipped; any other line that is not a JSON object is an input error naming the file and the
    line, never read around: the record is sekit's own, and a damaged one is a fault to see."""
    if not path.exists():
        return []
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError:
            raise InputError(path, f"line {number} is not JSON", hint=hint) from None
        if not isinstance(item, dict):
            raise InputError(path, f"line {number} is not a JSON object", hint=hint)
        found.append((number, item))
    return found
