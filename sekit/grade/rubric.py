"""The rubric: the built-in one (versioned) and an instructor's own, in TOML.

An instructor's rubric file::

    version = "ai-se-2026-milestone-1"
    disable = ["vcs.data_versioning"]

    [weights]                 # points per item (the built-in default is in brackets below)
    "docs.requirements" = 10

    [[items]]                 # milestone items of the course, with file or pattern evidence
    id = "milestone.feedback-endpoint"
    section = "milestone"
    title = "the service accepts feedback"
    points = 5
    files = ["src/**/serve.py"]       # at least one file must match ...
    pattern = "/feedback"             # ... and contain this (a regular expression)
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sekit.errors import ConfigError, did_you_mean
from sekit.grade.detectors import ITEMS, Custom, Item

RUBRIC_VERSION = "sekit-2026.9"  # .8: deploy and coverage items; .9: ranking in ml.gates
RUBRIC_FINGERPRINT = "5e1ea16bb37776e0"
"""The :func:`fingerprint` of the built-in items of ``RUBRIC_VERSION``. An item whose id,
section, title, points, detector or published rule changes makes grades of two versions
incomparable: bump ``RUBRIC_VERSION`` and record the new fingerprint here
(``tests/grade/test_rubric.py`` fails until both are done, and says so)."""

BUILTIN: tuple[Item, ...] = tuple(ITEMS.values())


def fingerprint(items: Sequence[Item]) -> str:
    """A hash of what decides the items' credit: id, section, title, points, the detector
    (module and name) and the rule it publishes (its docstring's first paragraph)."""
    rows = [[i.id, i.section, i.title, i.points, i.detector, i.rule] for i in items]
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:16]


class _CustomItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9_.\-]+$")
    section: str = "milestone"
    title: str
    points: float = Field(gt=0)
    files: list[str] = Field(min_length=1)
    pattern: str | None = None

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a regular expression: {exc}") from None
        return value


class _RubricFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: str
    disable: list[str] = Field(default_factory=list)
    weights: dict[str, float] = Field(default_factory=dict)
    items: list[_CustomItem] = Field(default_factory=list)


@dataclass(frozen=True)
class Rubric:
    version: str
    items: tuple[Item, ...]

    @property
    def total(self) -> float:
        return sum(item.points for item in self.items)


def builtin() -> Rubric:
    return Rubric(RUBRIC_VERSION, BUILTIN)


def load_rubric(path: Path | None) -> Rubric:
    """The built-in rubric, or an instructor's TOML applied to it (errors exit 2)."""
    if path is None:
        return builtin()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        spec = _RubricFile.model_validate(raw)
    except FileNotFoundError:
        raise ConfigError(f"{path}: rubric file not found") from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: not a TOML rubric: {exc}") from None
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{path}: {where}: {first['msg']}") from None
    known = {item.id for item in BUILTIN}
    for name in [*spec.disable, *spec.weights]:
        if name not in known:
            suggestion = did_you_mean(name, known)
            raise ConfigError(
                f"{path}: unknown rubric item {name!r}" + (f" ({suggestion})" if suggestion else "")
            )
    items = [
        replace(i, points=spec.weights.get(i.id, i.points))
        for i in BUILTIN
        if i.id not in spec.disable
    ]
    taken = {i.id for i in items}
    for custom in spec.items:
        if custom.id in taken:
            raise ConfigError(f"{path}: items: id {custom.id!r} is used twice")
        taken.add(custom.id)
        items.append(
            Item(
                custom.id,
                custom.section,
                custom.title,
                custom.points,
                Custom(tuple(custom.files), custom.pattern),
            )
        )
    return Rubric(spec.version, tuple(items))
