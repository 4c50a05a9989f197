"""What the config says beyond its own syntax: the files it names, and its JSON Schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sekit.config.schema import Config


def named_files(config: Config) -> list[tuple[str, Path]]:
    """Every (key path, file) the config names."""
    files: list[tuple[str, Path]] = []
    if config.data is not None:
        for key in ("train", "test", "production"):
            path = getattr(config.data, key)
            if key == "production" and config.data.production_optional:
                continue
            if path is not None:
                files.append((f"data.{key}", path))
    if config.model is not None:
        for key in ("path", "baseline"):
            path = getattr(config.model, key)
            if isinstance(path, Path):  # not an MLflow model URI
                files.append((f"model.{key}", path))
    for index, item in enumerate(config.behaviour):
        cases = getattr(item, "cases", None)
        if cases is not None:
            files.append((f"behaviour[{index}].cases", cases))
    if config.service is not None and config.service.payload is not None:
        files.append(("service.payload", config.service.payload))
    if config.load.locustfile is not None:
        files.append(("load.locustfile", config.load.locustfile))
    return files


def missing_files(config: Config) -> list[str]:
    """One line per named file that does not exist, naming the key."""
    from sekit.dvcfiles import tracked

    problems = []
    for key, path in named_files(config):
        if not path.is_file():
            shown = _relative(path, config.root)
            what = "is a folder, not a file" if path.is_dir() else "file not found"
            versioned = None if path.is_dir() else tracked(path)
            hint = f"; {versioned.missing_hint()}" if versioned else ""
            problems.append(f"{config.source.name}: {key}: {what}: {shown}{hint}")
    return problems


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def json_schema() -> dict[str, Any]:
    """The config's JSON Schema (draft 2020-12), for editors and ``sekit config schema``."""
    from sekit.config.loader import config_model

    schema = config_model().model_json_schema()
    schema["title"] = "sekit.toml"
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
