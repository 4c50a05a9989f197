"""``sekit check --help`` served from a cache, without importing click or pydantic.

The check command's help lists every installed suite and its options, so it is built from the
suites' declarations (pydantic models, found through entry points): about twelve times
Python's own start-up. It changes only when what is installed changes, so the first run
renders it through click and keeps the text; later runs print the kept text.

The key is sekit's version, Python's, the help's width (click wraps at the terminal's width,
at most 80 columns) and the names of the distributions installed beside sekit (their
``*.dist-info`` folders carry their versions): installing, removing or upgrading a plugin
changes it. The cache is ``$SEKIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/sekit``, else
``~/.cache/sekit``; a cache that cannot be read or written is skipped, never an error. One
case the key does not see: a plugin installed editable whose options are edited in place keeps
its old help until something is installed or upgraded (delete the cache folder, or set
``SEKIT_CACHE_DIR`` to an empty one); only the help text is kept, never what a run does.

Measured (benchmarks/startup.py, regular install, 40 interleaved runs): kept, 23.6 ms = 2.5x
``python -c pass``; a first run 123 ms = 12.9x.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path


def _folder() -> Path:
    given = os.environ.get("SEKIT_CACHE_DIR")
    if given:
        return Path(given)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sekit"


def _installed() -> list[str]:
    names: list[str] = []
    for entry in sys.path:
        if entry.endswith(("site-packages", "dist-packages")) and Path(entry).is_dir():
            with os.scandir(entry) as found:
                names += sorted(e.name for e in found if e.name.endswith(".dist-info"))
    return names


def _width() -> int:
    from shutil import get_terminal_size

    return min(get_terminal_size().columns, 80)


def path(args: list[str]) -> Path:
    """Where the help of ``args`` is kept for what is installed now."""
    from sekit import __version__

    key = "\n".join(
        [__version__, sys.version, str(_width()), " ".join(args), *_installed()]
    ).encode()
    return _folder() / f"help-{hashlib.sha256(key).hexdigest()[:20]}.txt"


def read(args: list[str]) -> str | None:
    try:
        return path(args).read_text(encoding="utf-8")
    except OSError:
        return None


def keep(args: list[str], text: str) -> None:
    try:
        target = path(args)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(target)
    except OSError:
        pass  # a read-only home: the help is rendered each time, as without a cache
