"""The value types of the config: sections that forbid unknown keys, durations, and paths
relative to the config file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    ValidationInfo,
    WithJsonSchema,
)


class Section(BaseModel):
    # Every number of the config must be finite: `inf` or `nan` as a bound or threshold would
    # silently switch a gate or a check off.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


# --- value types -------------------------------------------------------------------------------

_UNITS = {"w": 604800.0, "d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(ms|w|d|h|m|s)")
_EXPECTED = 'expected a duration such as "20s", "2m", "1d" or "1w" (units ms, s, m, h, d, w)'


def parse_duration(value: Any) -> float:
    """Seconds from ``20``, ``"20s"``, ``"500ms"``, ``"2m"``, ``"1m30s"``, ``"1h"``, ``"1d"``
    or ``"2w"``: numbers with the units ``w``, ``d``, ``h``, ``m``, ``s``, ``ms``, largest first,
    each at most once (as Prometheus writes durations)."""
    if isinstance(value, bool):
        raise ValueError(_EXPECTED)
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and value.strip():
        text = re.sub(r"\s+", "", value)
        parts = list(_PART.finditer(text))
        units = [p.group(2) for p in parts]
        if (
            not parts
            or "".join(p.group(0) for p in parts) != text
            or units != sorted(set(units), key=list(_UNITS).index)
        ):
            raise ValueError(f"{_EXPECTED}, got {value!r}")
        seconds = sum(float(p.group(1)) * _UNITS[p.group(2)] for p in parts)
    else:
        raise ValueError(f"{_EXPECTED}, got {value!r}")
    if seconds < 0:
        raise ValueError("a duration cannot be negative")
    return seconds


Duration = Annotated[
    float,
    BeforeValidator(parse_duration),
    WithJsonSchema(
        {
            "type": ["string", "number"],
            "pattern": r"^(\d+(\.\d+)?(w|d|h|m|s|ms))+$",
            "description": 'seconds, or a string such as "20s", "500ms", "2m", "1d", "1w"',
        }
    ),
]


def _resolve(value: Path, info: ValidationInfo) -> Path:
    root = (info.context or {}).get("root")
    if root is None or value.is_absolute():
        return value
    return (Path(root) / value).resolve()


def _plain_path(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        raise ValueError("expected a file path, got an empty string")
    if not isinstance(value, str | Path):
        raise ValueError(f"expected a file path (a string), got {type(value).__name__}")
    return value


ProjectPath = Annotated[
    Path,
    BeforeValidator(_plain_path),
    AfterValidator(_resolve),
    WithJsonSchema({"type": "string", "description": "a path relative to the config file"}),
]


def _inside(value: Path, info: ValidationInfo) -> Path:
    """A file sekit writes lies in the project's folder (symbolic links followed): a config
    that points elsewhere would have sekit overwrite somebody else's file."""
    root = (info.context or {}).get("root")
    resolved = _resolve(value, info)
    if root is not None and not resolved.resolve().is_relative_to(Path(root).resolve()):
        raise ValueError(
            f"{str(value)!r} is outside the project's folder; sekit writes this file, so it "
            "must lie in the project (e.g. tests/cassettes/endpoint.jsonl)"
        )
    return resolved


WrittenPath = Annotated[
    Path,
    BeforeValidator(_plain_path),
    AfterValidator(_inside),
    WithJsonSchema(
        {"type": "string", "description": "a path relative to the config file, in its folder"}
    ),
]
"""A path sekit writes (a recorded cassette): relative to the config file, inside its folder."""

MLFLOW_URI = re.compile(r"^(runs:/[0-9A-Za-z_-]+/.+|models:/[^/@\s]+(/[^/\s]+|@[^/\s]+))$")


def _model_location(value: Any, info: ValidationInfo) -> Any:
    """An MLflow model URI stays a string; anything else is a path relative to the config."""
    if isinstance(value, str) and value.startswith(("runs:/", "models:/")):
        if not MLFLOW_URI.match(value):
            raise ValueError(
                f"{value!r} is not an MLflow model URI: use runs:/<run id>/<path>, "
                "models:/<name>/<version> or models:/<name>@<alias>"
            )
        return value
    return _resolve(Path(_plain_path(value)), info)


ModelLocation = Annotated[
    Path | str,
    BeforeValidator(_model_location),
    WithJsonSchema(
        {
            "type": "string",
            "description": "a model file relative to the config file, or an MLflow model URI "
            "(runs:/<run id>/model, models:/<name>@<alias>)",
        }
    ),
]


def flatten_gates(gates: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``[gates.model]`` / ``accuracy = {...}`` as ``"model.accuracy" = {...}``."""
    flat: dict[str, Any] = {}
    for key, value in gates.items():
        name = f"{prefix}{key}"
        is_nested = (
            isinstance(value, dict)
            and value
            and all(isinstance(v, dict) for v in value.values())
            and not {"min", "max"} & set(value)
        )
        if is_nested:
            flat.update(flatten_gates(value, f"{name}."))
        else:
            flat[name] = value
    return flat
