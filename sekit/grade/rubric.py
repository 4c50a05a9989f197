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

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sekit.errors import ConfigError

RUBRIC_VERSION = "sekit-2026.1"


@dataclass(frozen=True)
class ItemSpec:
    id: str
    section: str
    title: str
    points: float
    detector: str  # name of the function in sekit.grade.detectors, or "custom"
    files: tuple[str, ...] = ()
    pattern: str | None = None


BUILTIN: tuple[ItemSpec, ...] = (
    ItemSpec(
        "vcs.git", "version control", "the project is a git repository with history", 4, "git"
    ),
    ItemSpec(
        "vcs.no_large_files",
        "version control",
        "no large files in the git history",
        3,
        "no_large_files",
    ),
    ItemSpec(
        "vcs.data_versioning",
        "version control",
        "data is versioned (DVC, git LFS)",
        3,
        "data_versioning",
    ),
    ItemSpec(
        "deps.declared",
        "dependencies",
        "dependencies declared (PEP 621 or a lock file)",
        5,
        "dependencies",
    ),
    ItemSpec(
        "deps.dev_separate",
        "dependencies",
        "development dependencies kept apart",
        3,
        "dev_dependencies",
    ),
    ItemSpec("quality.linters", "code quality", "linters and formatters configured", 4, "linters"),
    ItemSpec(
        "quality.lint_clean",
        "code quality",
        "few lint findings per 1,000 lines",
        4,
        "lint_findings",
    ),
    ItemSpec("tests.unit", "tests", "unit tests", 5, "unit_tests"),
    ItemSpec("tests.data", "tests", "data tests", 4, "data_tests"),
    ItemSpec("tests.behaviour", "tests", "model behaviour tests", 4, "behaviour_tests"),
    ItemSpec("tests.load", "tests", "load tests", 3, "load_tests"),
    ItemSpec("tests.ratio", "tests", "test code in proportion to the code", 4, "test_ratio"),
    ItemSpec("ci.tests", "continuous integration", "CI runs the tests", 6, "ci_tests"),
    ItemSpec(
        "ci.gate", "continuous integration", "CI runs `sekit gate` before deploying", 6, "ci_gate"
    ),
    ItemSpec("ci.precommit", "continuous integration", "pre-commit hooks", 4, "precommit"),
    ItemSpec("docs.readme", "documentation", "a README the team wrote", 3, "readme"),
    ItemSpec(
        "docs.requirements",
        "documentation",
        "a requirements specification with actual numbers",
        5,
        "requirements",
    ),
    ItemSpec("docs.model_card", "documentation", "a model card", 4, "model_card"),
    ItemSpec(
        "ml.pipeline", "ML pipeline", "the pipeline stages, gather to output", 8, "pipeline_stages"
    ),
    ItemSpec(
        "ml.gates", "ML pipeline", "sekit.toml with schema, behaviour and gates", 4, "sekit_config"
    ),
    ItemSpec("ops.service", "operation", "a service with a health endpoint", 6, "service"),
    ItemSpec("ops.monitoring", "operation", "monitoring of served predictions", 4, "monitoring"),
    ItemSpec("ops.feedback", "operation", "a feedback loop into training", 4, "feedback_loop"),
    ItemSpec(
        "ops.reproducibility",
        "operation",
        "reproducible: seeds, parameters in files",
        4,
        "reproducibility",
    ),
)


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
    items: tuple[ItemSpec, ...]

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
            import difflib

            close = difflib.get_close_matches(name, sorted(known), n=1)
            raise ConfigError(
                f"{path}: unknown rubric item {name!r}"
                + (f" (did you mean {close[0]!r}?)" if close else "")
            )
    items = [
        ItemSpec(i.id, i.section, i.title, spec.weights.get(i.id, i.points), i.detector)
        for i in BUILTIN
        if i.id not in spec.disable
    ]
    taken = {i.id for i in items}
    for custom in spec.items:
        if custom.id in taken:
            raise ConfigError(f"{path}: items: id {custom.id!r} is used twice")
        taken.add(custom.id)
        items.append(
            ItemSpec(
                custom.id,
                custom.section,
                custom.title,
                custom.points,
                "custom",
                tuple(custom.files),
                custom.pattern,
            )
        )
    return Rubric(spec.version, tuple(items))


Detector = Callable[..., object]
