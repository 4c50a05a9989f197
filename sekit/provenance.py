"""Where a verdict's inputs came from: the report's ``provenance``.

A gate's verdict should trace back to data, code and run. For each dataset the config names,
the report records its MD5 and, when DVC versions it, the MD5 that DVC recorded (``dvc_md5``)
and where (``dvc``); ``dvc_matches`` is false when the file in the workspace is not the one
DVC has (an unfinished ``dvc repro`` or an edit by hand). For the model: its file's MD5, or
its MLflow URI, and the MLflow run that made it: from the URI itself, or from a JSON file
beside the model file with the same stem (``models/model.json`` for ``models/model.joblib``,
which the scaffold's train stage writes: ``mlflow_run_id``, ``version``, ``data_md5``). The
commit is the git HEAD of the project (read with dulwich; nothing runs), with ``-dirty``
left out: sekit does not scan the work tree for it.

It also says how the run called the team's model: with one thread per native pool
(``threads``: the pools and the threads each had; :mod:`sekit.threads`).

Provenance is information, never a verdict: what cannot be read is left out, and nothing here
raises.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sekit.dvcfiles import tracked

if TYPE_CHECKING:
    from sekit.config.schema import Config

SIDECAR_KEYS = ("version", "mlflow_run_id", "mlflow_model_uri", "data_md5", "git_commit")


def md5(path: Path) -> str:
    """The file's MD5, as DVC computes it for a file."""
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def record(config: Config) -> dict[str, Any]:
    """The provenance of a run on ``config``'s project (see the module's docstring)."""
    found: dict[str, Any] = {}
    commit = git_head(config.root)
    if commit:
        found["git_commit"] = commit
    data: dict[str, Any] = {}
    if config.data is not None:
        for key in ("train", "test", "production"):
            path = getattr(config.data, key)
            if isinstance(path, Path) and path.is_file():
                data[f"data.{key}"] = _file(path, config.root)
    if data:
        found["data"] = data
    if config.model is not None:
        for key in ("path", "baseline"):
            model = _model(getattr(config.model, key), config)
            if model:
                found["model" if key == "path" else "baseline"] = model
    from sekit.threads import applied, served

    limited, service = applied(), served()
    if limited or service:  # how the run called the team's model (sekit.threads)
        found["threads"] = {"limit": 1, "before": limited} | (
            {"service": service} if service else {}
        )
    return found


def _file(path: Path, root: Path) -> dict[str, Any]:
    entry: dict[str, Any] = {"path": _shown(path, root)}
    with contextlib.suppress(OSError):
        entry["md5"] = md5(path)
    versioned = tracked(path)
    if versioned is not None:
        entry["dvc"] = versioned.where
        if versioned.md5:
            entry["dvc_md5"] = versioned.md5
            if "md5" in entry:
                entry["dvc_matches"] = entry["md5"] == versioned.md5
    return entry


def _model(location: Path | str | None, config: Config) -> dict[str, Any]:
    if isinstance(location, str):
        entry: dict[str, Any] = {"uri": location}
        run = _run_of_uri(location, config)
        if run:
            entry["mlflow_run_id"] = run
        return entry
    if location is None or not location.is_file():
        return {}
    entry = _file(location, config.root)
    sidecar = location.with_suffix(".json")
    with contextlib.suppress(OSError, ValueError):
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
        if isinstance(meta, dict):
            entry.update(
                {k: meta[k] for k in SIDECAR_KEYS if isinstance(meta.get(k), str | int | float)}
            )
    return entry


def _run_of_uri(uri: str, config: Config) -> str | None:
    match = re.match(r"^runs:/([^/]+)/", uri)
    if match:
        return match.group(1)
    # models:/name@alias or models:/name/version: ask the registry, when MLflow is here
    from sekit.subjects.mlflow_models import run_of, tracking_uri

    assert config.model is not None
    store = tracking_uri(config.root, config.model.tracking_uri)
    return run_of(uri, store) if store else None


def describe(provenance: dict[str, Any]) -> list[str]:
    """One line per input, for the Markdown and HTML reports."""
    lines = []
    entries = [*provenance.get("data", {}).items()]
    entries += [(k, provenance[k]) for k in ("model", "baseline") if k in provenance]
    for key, entry in entries:
        parts = [entry.get("uri") or entry.get("path", "?")]
        if entry.get("md5"):
            parts.append(f"md5 {entry['md5'][:8]}")
        if entry.get("dvc"):
            state = {True: "matches", False: "DIFFERS from what DVC recorded"}.get(
                entry.get("dvc_matches"), "recorded"
            )
            parts.append(f"DVC: {entry['dvc']}, {state}")
        if entry.get("version"):
            parts.append(f"version {entry['version']}")
        if entry.get("mlflow_run_id"):
            parts.append(f"MLflow run {entry['mlflow_run_id']}")
        lines.append(f"{key}: " + "; ".join(str(p) for p in parts))
    if provenance.get("git_commit"):
        lines.append(f"git commit {provenance['git_commit']}")
    if provenance.get("threads"):
        from sekit.threads import describe as threads

        entry = provenance["threads"]
        lines.append(threads(entry.get("before", {}), entry.get("service")))
    return lines


def git_head(root: Path) -> str | None:
    """The commit checked out in the repository that holds ``root``, or None."""
    try:
        from dulwich.repo import Repo

        with Repo.discover(str(root)) as repo:
            return str(repo.head().decode())
    except Exception:  # no repository, no commit yet, unreadable
        return None


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
