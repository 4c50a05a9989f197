"""What DVC knows about a file, read from DVC's own files (``dvc.lock``, ``*.dvc``).

sekit does not import DVC for this: the files are YAML, read with ``yaml.safe_load``, and
nothing is run. A DVC project is the nearest folder above a file that holds ``.dvc/``.
:func:`tracked` says whether DVC versions a path and which MD5 it recorded; sekit uses it to
say "run `dvc pull`" when a tracked file is missing, and to record the data's DVC version in
the report's provenance.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Tracked:
    """A path DVC versions: the MD5 it recorded and where (``dvc.lock`` stage, or a .dvc file)."""

    md5: str | None
    where: str  # "dvc.lock, stage 'features'" or "data/raw.csv.dvc"

    def missing_hint(self) -> str:
        return (
            f"it is versioned by DVC ({self.where}): run `dvc pull`, or `dvc repro` to rebuild it"
        )


def project_root(path: Path) -> Path | None:
    """The DVC project that ``path`` lies in: the nearest folder above it with ``.dvc/``."""
    for folder in path.absolute().parents:
        if (folder / ".dvc").is_dir():
            return folder
    return None


def tracked(path: Path) -> Tracked | None:
    """How DVC versions ``path`` (an output of a ``dvc.yaml`` stage, or added with ``dvc
    add``), or None when it does not, or when DVC's files cannot be read."""
    root = project_root(path)
    if root is None:
        return None
    try:
        relative = path.absolute().relative_to(root).as_posix()
    except ValueError:
        return None
    lock = root / "dvc.lock"
    if lock.is_file():
        found = _lock_outputs(str(lock), lock.stat().st_mtime_ns).get(relative)
        if found is not None:
            return found
    for candidate in (path.parent / f"{path.name}.dvc", *_folder_dvc_files(path, root)):
        entry = _dvc_file(candidate)
        if entry is not None:
            return Tracked(entry, candidate.relative_to(root).as_posix())
    return None


def _folder_dvc_files(path: Path, root: Path) -> list[Path]:
    """``data.dvc`` for ``data/x.csv``: a folder added with ``dvc add`` versions what is in it."""
    found = []
    for folder in path.absolute().parents:
        if folder == root:
            break
        found.append(folder.parent / f"{folder.name}.dvc")
    return found


@lru_cache(maxsize=16)
def _lock_outputs(lock: str, _mtime: int) -> dict[str, Tracked]:
    document = _yaml(Path(lock))
    stages = document.get("stages") if isinstance(document, dict) else None
    outputs: dict[str, Tracked] = {}
    if not isinstance(stages, dict):
        return outputs
    for name, stage in stages.items():
        for out in (stage or {}).get("outs") or []:
            if isinstance(out, dict) and isinstance(out.get("path"), str):
                md5 = out.get("md5")
                where = f"dvc.lock, stage {name!r}"
                outputs[Path(out["path"]).as_posix()] = Tracked(
                    md5 if isinstance(md5, str) else None, where
                )
    return outputs


def _dvc_file(candidate: Path) -> str | None:
    """The MD5 a ``.dvc`` file records ('' when it records none), or None if it is no .dvc file."""
    if not candidate.is_file():
        return None
    document = _yaml(candidate)
    outs = document.get("outs") if isinstance(document, dict) else None
    if not outs or not isinstance(outs[0], dict):
        return None
    md5 = outs[0].get("md5")
    return md5 if isinstance(md5, str) else ""


def _yaml(path: Path) -> Any:
    import yaml

    with contextlib.suppress(OSError, UnicodeDecodeError, yaml.YAMLError):
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    return None
