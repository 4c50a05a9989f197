"""What binds a readiness report to the commit it judged: the commit and its tree, the
configuration's hash, and the hash of each data and model file the configuration names, with
where git or DVC records that hash at that commit.

A team's CI makes the binding (:func:`bind`, from the working tree it judged); the instructor
checks it (:func:`verify`) against the repository alone, without the data: the tree must be the
commit's, the configuration's hash the commit's file, and each input's hash the one git (the
file's blob) or DVC (``dvc.lock``, a ``.dvc`` file) records at that commit. DVC's hash is the
MD5 of the file (DVC 3, ``hash: md5``), or of the file with CRLF made LF for a text file (DVC
2): both are computed. An input that neither git nor DVC records cannot be verified: the
binding fails, closed.
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel, Field

from sekit import __version__
from sekit.grade.gitread import GitHistory

CONFIG = "sekit.toml"
INPUT_KEYS = (("data", "train"), ("data", "test"), ("model", "path"), ("model", "baseline"))


class BoundInput(BaseModel):
    key: str  # "data.train"
    path: str
    md5: str | None  # of the file the CI used; None when it was not there
    recorded: str  # "git", "dvc: dvc.lock" or "dvc: data/raw.csv.dvc", "untracked"


class Binding(BaseModel):
    commit: str
    tree: str
    sekit_version: str = __version__
    config_sha256: str | None = None
    inputs: list[BoundInput] = Field(default_factory=list)


def _md5s(data: bytes) -> set[str]:
    """The hashes DVC may have recorded for this content (DVC 3, and DVC 2 for text)."""
    found = {hashlib.md5(data, usedforsecurity=False).hexdigest()}
    if b"\x00" not in data[:8000]:
        found.add(hashlib.md5(data.replace(b"\r\n", b"\n"), usedforsecurity=False).hexdigest())
    return found


def git_blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\x00" % len(data) + data, usedforsecurity=False).hexdigest()


def _yaml(data: bytes | None) -> Any:
    import yaml

    if data is None:
        return None
    try:
        return yaml.safe_load(data.decode("utf-8", errors="replace"))
    except yaml.YAMLError:
        return None


def recorded_md5(history: GitHistory, commit: str, path: str) -> tuple[str, str | None]:
    """Where and which hash git or DVC records for ``path`` at ``commit``:
    ("git", blob id), ("dvc: <file>", md5), or ("untracked", None)."""
    files = history.files(commit)
    if path in files:
        return "git", files[path][1]
    lock = _yaml(history.read(commit, "dvc.lock"))
    stages = lock.get("stages") if isinstance(lock, dict) else None
    for stage in stages.values() if isinstance(stages, dict) else []:
        for out in (stage or {}).get("outs") or [] if isinstance(stage, dict) else []:
            if isinstance(out, dict) and out.get("path") == path:
                return "dvc: dvc.lock", out.get("md5")
    pure = PurePosixPath(path)
    candidate = f"{path}.dvc"
    document = _yaml(history.read(commit, candidate))
    outs = document.get("outs") if isinstance(document, dict) else None
    first = outs[0] if isinstance(outs, list) and outs else None
    if isinstance(first, dict) and first.get("path") == pure.name:
        return f"dvc: {candidate}", first.get("md5")
    return "untracked", None


def _configured_inputs(root: Path) -> list[tuple[str, str]]:
    try:
        config = tomllib.loads((root / CONFIG).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return []
    found = []
    for table, key in INPUT_KEYS:
        value = config.get(table, {}).get(key)
        if isinstance(value, str) and "://" not in value and not value.startswith("models:/"):
            found.append((f"{table}.{key}", PurePosixPath(value).as_posix()))
    return found


def dirty(root: Path, history: GitHistory, commit: str) -> list[str]:
    """Tracked files whose content in the working tree differs from ``commit``."""
    changed = []
    for path, (_, blob) in history.files(commit).items():
        try:
            data = (root / path).read_bytes()
        except OSError:
            changed.append(path)
            continue
        if git_blob_id(data) != blob:
            changed.append(path)
    return sorted(changed)


def bind(root: Path, history: GitHistory) -> Binding:
    """The binding of a clean working tree at the head commit (see the module's docstring)."""
    commit = history.head or ""
    config = root / CONFIG
    inputs = []
    for key, path in _configured_inputs(root):
        file = root / path
        data = file.read_bytes() if file.is_file() else None
        recorded, expected = recorded_md5(history, commit, path)
        if data is None:
            md5 = None
        elif recorded == "git":
            md5 = git_blob_id(data)
        else:  # DVC's way of hashing this file, when it is one of the two
            hashes = _md5s(data)
            md5 = (
                expected
                if expected in hashes
                else hashlib.md5(data, usedforsecurity=False).hexdigest()
            )
        inputs.append(BoundInput(key=key, path=path, md5=md5, recorded=recorded))
    return Binding(
        commit=commit,
        tree=history.tree(commit) or "",
        config_sha256=hashlib.sha256(config.read_bytes()).hexdigest() if config.is_file() else None,
        inputs=inputs,
    )


def verify(binding: Binding, history: GitHistory) -> list[str]:
    """Why the binding does not match the repository (empty when it does)."""
    tree = history.tree(binding.commit)
    if tree is None:
        return [f"commit {binding.commit[:12]} is not in the repository"]
    problems = []
    if tree != binding.tree:
        problems.append(f"tree {binding.tree[:12]} is not commit {binding.commit[:12]}'s")
    config = history.read(binding.commit, CONFIG)
    digest = hashlib.sha256(config).hexdigest() if config is not None else None
    if digest != binding.config_sha256:
        problems.append(f"{CONFIG}'s hash is not the one at commit {binding.commit[:12]}")
    for bound in binding.inputs:
        recorded, expected = recorded_md5(history, binding.commit, bound.path)
        if bound.md5 is None:
            problems.append(f"{bound.key} ({bound.path}) was not there when the report was made")
        elif recorded == "untracked" or expected is None:
            problems.append(
                f"{bound.key} ({bound.path}) is recorded neither by git nor by DVC at that "
                "commit: its hash cannot be verified"
            )
        elif recorded == "git" and bound.md5 != expected:
            problems.append(f"{bound.key} ({bound.path}) is not the file at that commit")
        elif recorded != "git" and bound.md5 != expected:
            problems.append(
                f"{bound.key} ({bound.path}) is not the file {recorded[5:]} records at that commit"
            )
    return problems
