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

RUBRIC_VERSION = "sekit-2026.9"  # .8: deploy and coverage items; .9: ranking in ml.gates


@dataclass(frozen=True)
class ItemSpec:
    id: str
    section: str
    title: str
    points: float
    detector: str  # name in sekit.grade.detectors.DETECTORS, or "custom"
    files: tuple[str, ...] = ()
    pattern: str | None = None


def _items(section: str, *rows: tuple[str, str, float, str]) -> tuple[ItemSpec, ...]:
    return tuple(
        ItemSpec(i, section, title, points, detector) for i, title, points, detector in rows
    )


BUILTIN: tuple[ItemSpec, ...] = (
    *_items(
        "version control",
        ("vcs.git", "the project is a git repository with history", 3, "git"),
        ("vcs.no_large_files", "no large files in the git history", 3, "no_large_files"),
        (
            "vcs.data_versioning",
            "data versioned (DVC with a remote, git LFS)",
            4,
            "data_versioning",
        ),
        ("vcs.messages", "commit messages that say what changed", 2, "commit_messages"),
        ("vcs.pull_requests", "work merged through pull requests", 1, "pull_requests"),
    ),
    *_items(
        "dependencies",
        ("deps.declared", "dependencies declared, with versions", 4, "dependencies"),
        ("deps.dev_separate", "development dependencies kept apart", 2, "dev_dependencies"),
    ),
    *_items(
        "code quality",
        ("quality.linters", "linters, formatter, type checker, security scanner", 3, "linters"),
        ("quality.lint_clean", "few lint findings per 1,000 lines", 3, "lint_findings"),
        ("quality.formatted", "code formatted consistently", 2, "formatting"),
        ("quality.documented", "docstrings and type annotations", 2, "documented"),
        ("quality.secrets", "no key, token or password committed", 2, "secrets"),
        ("quality.lint_rules", "a custom lint rule for ML code smells", 1, "lint_rules"),
    ),
    *_items(
        "tests",
        ("tests.unit", "unit tests", 5, "unit_tests"),
        ("tests.data", "data tests", 4, "data_tests"),
        ("tests.behaviour", "model behaviour tests", 4, "behaviour_tests"),
        ("tests.load", "load tests", 2, "load_tests"),
        ("tests.ratio", "test code in proportion to the code", 2, "test_ratio"),
        ("tests.coverage", "test coverage measured, and in CI", 3, "coverage"),
    ),
    *_items(
        "continuous integration",
        ("ci.tests", "CI runs the tests", 5, "ci_tests"),
        ("ci.gate", "CI runs `sekit gate` before deploying", 4, "ci_gate"),
        ("ci.precommit", "pre-commit hooks", 2, "precommit"),
        ("ci.release", "releases from version tags, artifacts published", 3, "releases"),
        ("ci.lint", "a linter runs in CI on every push", 1, "ci_lint"),
        (
            "ci.readme",
            "test adequacy, coverage and lint score kept in the README by CI",
            1,
            "readme_numbers",
        ),
    ),
    *_items(
        "documentation",
        ("docs.readme", "a README the team wrote", 2, "readme"),
        (
            "docs.requirements",
            "a requirements specification with actual numbers",
            4,
            "requirements",
        ),
        ("docs.model_card", "a model card", 3, "model_card"),
        ("docs.reports", "milestone or activity reports", 2, "reports"),
    ),
    *_items(
        "ML pipeline",
        ("ml.pipeline", "the pipeline stages, gather to output", 5, "pipeline_stages"),
        ("ml.pipeline_tool", "a pipeline tool reruns only what changed", 3, "pipeline_tool"),
        ("ml.experiments", "experiments tracked with their metrics", 3, "experiments"),
        ("ml.gates", "sekit.toml with schema, behaviour and gates", 3, "sekit_config"),
        ("ml.fairness", "fairness analysed per group", 2, "fairness"),
    ),
    *_items(
        "operation",
        ("ops.service", "a service with a health endpoint", 4, "service"),
        (
            "ops.app",
            "an application people use, calling the model, browser-tested",
            3,
            "application",
        ),
        ("ops.container", "containerised and orchestrated", 3, "container"),
        ("ops.monitoring", "served predictions measured and watched", 3, "monitoring"),
        ("ops.alerting", "alert rules and dashboards", 2, "alerting"),
        ("ops.release", "canary or A/B releases", 2, "release_experiments"),
        ("ops.feedback", "a feedback loop into training", 3, "feedback_loop"),
        (
            "ops.retraining",
            "scheduled retraining, checked before promotion",
            3,
            "retraining",
        ),
        (
            "ops.availability",
            "availability of the served traffic over a week",
            2,
            "availability",
        ),
        ("ops.reproducibility", "reproducible: seeds, parameters in files", 3, "reproducibility"),
        (
            "ops.configuration",
            "services configured from the environment, described by OpenAPI",
            1,
            "configuration",
        ),
        ("ops.metrics", "the app's own metrics: types, labels, collected", 2, "app_metrics"),
        ("ops.dashboard", "a dashboard of the app's metrics, installed with it", 1, "grafana"),
        ("ops.alert_channel", "alerts that reach a channel, no credentials", 1, "alert_channel"),
    ),
    *_items(
        "release",
        (
            "release.versions",
            "versions from release tags, pre-releases on main",
            2,
            "release_versions",
        ),
        ("release.images", "images in stages, multi-architecture, no model inside", 2, "images"),
        ("release.libraries", "libraries from a registry, versioned by metadata", 1, "libraries"),
    ),
    *_items(
        "deployment",
        ("deploy.compose", "compose: only the app reachable, restart, secrets", 2, "compose"),
        ("deploy.kubernetes", "Kubernetes objects used as the course asks", 2, "kubernetes"),
        ("deploy.helm", "a Helm chart: values, installable twice", 2, "helm"),
        ("deploy.istio", "Istio: gateway, 90/10 split, sticky sessions", 2, "istio"),
        ("deploy.traffic", "a traffic use case: rate limiting, mirroring", 1, "traffic_use_case"),
    ),
    *_items(
        "provisioning",
        ("provision.vms", "virtual machines declared with loops and variables", 1, "vagrant"),
        ("provision.software", "Ansible provisioning, idempotent", 2, "ansible_software"),
        ("provision.cluster", "the Kubernetes cluster the playbooks set up", 1, "ansible_cluster"),
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
