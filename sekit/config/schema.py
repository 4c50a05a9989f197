"""The declared schema of ``sekit.toml`` (and ``[tool.sekit]`` in ``pyproject.toml``).

Every table forbids unknown keys, so a misspelt key is an error rather than a silently ignored
setting. Paths are resolved against the folder of the config file. ``sekit config schema``
prints this schema as JSON Schema for editors.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)

from sekit.results import Severity
from sekit.vocabulary import KINDS


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- value types -------------------------------------------------------------------------------

_DURATION = re.compile(
    r"^\s*(?:(\d+(?:\.\d+)?)h)?\s*(?:(\d+(?:\.\d+)?)m(?!s))?\s*"
    r"(?:(\d+(?:\.\d+)?)s)?\s*(?:(\d+(?:\.\d+)?)ms)?\s*$"
)


def parse_duration(value: Any) -> float:
    """Seconds from ``20``, ``"20s"``, ``"500ms"``, ``"2m"``, ``"1m30s"`` or ``"1h"``."""
    if isinstance(value, bool):
        raise ValueError('expected a duration such as "20s" or "2m"')
    if isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str) and value.strip() and (match := _DURATION.match(value)):
        h, m, s, ms = (float(g) if g else 0.0 for g in match.groups())
        if not any(match.groups()):
            raise ValueError(f'expected a duration such as "20s" or "2m", got {value!r}')
        seconds = h * 3600 + m * 60 + s + ms / 1000
    else:
        raise ValueError(f'expected a duration such as "20s" or "2m", got {value!r}')
    if seconds < 0:
        raise ValueError("a duration cannot be negative")
    return seconds


Duration = Annotated[
    float,
    BeforeValidator(parse_duration),
    WithJsonSchema(
        {
            "type": ["string", "number"],
            "pattern": r"^(\d+(\.\d+)?(h|m|s|ms))+$",
            "description": 'seconds, or a string such as "20s", "500ms", "2m"',
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

_IDENT = r"^[A-Za-z_][A-Za-z0-9_.\-]*$"


# --- [project] ---------------------------------------------------------------------------------


class Project(Section):
    """Who the project is: the name appears in reports and grades."""

    name: str = Field(min_length=1, description="project name, shown in reports")
    team: list[str] = Field(default_factory=list, description="team members")
    description: str = ""


# --- [data] ------------------------------------------------------------------------------------

ColumnType = Literal["int", "float", "bool", "category", "string", "datetime"]


class Column(Section):
    """The schema of one column: ``[data.columns.<name>]``."""

    type: ColumnType
    min: float | str | None = Field(None, description="smallest allowed value (number or date)")
    max: float | str | None = Field(None, description="largest allowed value (number or date)")
    nullable: bool = Field(False, description="whether missing values are allowed")
    allowed: list[str | int | float | bool] | None = Field(
        None, description="the allowed values of a category or string column"
    )
    description: str = ""

    @model_validator(mode="after")
    def _consistent(self) -> Column:
        bounds = [b for b in (self.min, self.max) if b is not None]
        if bounds and self.type not in ("int", "float", "datetime"):
            raise ValueError(f"min/max apply to int, float and datetime columns, not {self.type}")
        if self.type == "datetime":
            for bound in bounds:
                try:
                    datetime.fromisoformat(str(bound))
                except ValueError:
                    raise ValueError(
                        f"min/max of a datetime column must be ISO dates, got {bound!r}"
                    ) from None
        else:
            for key in ("min", "max"):
                if isinstance(getattr(self, key), str):
                    raise ValueError(
                        f"{key} of a numeric column must be a number, got {getattr(self, key)!r}"
                    )
        if (
            isinstance(self.min, float | int)
            and isinstance(self.max, float | int)
            and self.min > self.max
        ):
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        if self.allowed is not None and not self.allowed:
            raise ValueError("allowed is empty: list the values, or leave allowed out")
        return self


class Drift(Section):
    """``[data.drift]``: how distribution shift between datasets is judged."""

    p_value: float = Field(
        0.01, gt=0, lt=1, description="a test below this p-value flags drift (KS / chi-squared)"
    )
    min_effect: float = Field(
        0.1,
        ge=0,
        le=1,
        description=(
            "and the effect size must reach this: KS statistic for numbers, "
            "total variation distance for categories (large samples make tiny shifts significant)"
        ),
    )
    max_share: float = Field(
        0.0,
        ge=0,
        le=1,
        description=(
            "drift findings fail when more than this share of features drifted; below it they warn"
        ),
    )


class Quality(Section):
    """``[data.quality]``: when a data-quality finding warns and when it fails."""

    max_duplicate_ratio: float = Field(
        0.05, ge=0, le=1, description="duplicate rows warn; above this share of rows they fail"
    )
    max_conflicting_ratio: float = Field(
        0.01, ge=0, le=1, description="conflicting labels warn; above this share they fail"
    )
    min_class_ratio: float = Field(
        0.1, ge=0, le=1, description="class_imbalance when minority/majority is below this"
    )
    outlier_iqr: float = Field(
        3.0, gt=0, description="a value beyond this many IQRs outside the quartiles is an outlier"
    )
    max_outlier_ratio: float = Field(
        0.05, ge=0, le=1, description="outliers are info; above this share of a column, warn"
    )
    max_correlation: float = Field(
        0.98, gt=0, le=1, description="two numeric features correlated above this warn"
    )


class Leakage(Section):
    """``[data.leakage]``: a feature that gives the label away, and test rows seen in training."""

    max_feature_power: float = Field(
        0.95,
        gt=0,
        le=1,
        description=(
            "a single feature predicting the label this well (0 = no better than the majority "
            "class or the mean, 1 = perfectly) on held-out rows is leakage"
        ),
    )
    max_overlap: float = Field(
        0.01, ge=0, le=1, description="test rows also in train warn; above this share they fail"
    )


class Data(Section):
    """``[data]``: the datasets and their schema."""

    train: ProjectPath
    test: ProjectPath | None = None
    production: ProjectPath | None = Field(
        None, description="served inputs (e.g. the prediction log), checked for drift"
    )
    production_optional: bool = Field(
        False,
        description=(
            "a missing production file is noted and skipped instead of being an error (the log "
            "exists only once the service has answered requests)"
        ),
    )
    label: str | None = Field(None, description="the label (target) column")
    columns: dict[str, Column] = Field(default_factory=dict)
    ignore: list[str] = Field(
        default_factory=list, description="columns that are not features (ids, timestamps)"
    )
    drift: Drift = Field(default_factory=Drift)
    quality: Quality = Field(default_factory=Quality)
    leakage: Leakage = Field(default_factory=Leakage)
    sample_rows: int | None = Field(
        None, ge=1000, description="check at most this many rows per dataset (a random sample)"
    )


# --- [model] and [[behaviour]] -----------------------------------------------------------------


class Model(Section):
    """``[model]``: the model under test."""

    path: ProjectPath | None = Field(None, description="a joblib, pickle or skops file")
    loader: str | None = Field(
        None,
        pattern=r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$",
        description="module:callable returning an object with predict()",
    )
    task: Literal["classification", "regression"]
    baseline: ProjectPath | None = Field(
        None, description="the previously deployed model; the candidate must not be worse"
    )
    baseline_tolerance: float = Field(0.01, ge=0, description="allowed loss against baseline")
    trusted_types: list[str] = Field(
        default_factory=list, description="extra types a skops file may contain"
    )
    slice_min_size: int = Field(20, ge=1, description="smallest slice that is judged")
    slice_max_drop: float = Field(
        0.1,
        ge=0,
        description=(
            "weak_slice when a slice's accuracy is this much below overall (classification), "
            "or its MAE is (1 + this) times overall (regression)"
        ),
    )
    examples: int = Field(50, ge=1, le=10_000, description="Hypothesis examples per property")
    batch_rows: int = Field(1024, ge=1, le=8192, description="rows per generated example")
    shrink_seconds: float = Field(
        20.0, gt=0, le=300, description="time Hypothesis may spend shrinking one failure"
    )

    @model_validator(mode="after")
    def _one_source(self) -> Model:
        if (self.path is None) == (self.loader is None):
            raise ValueError("set exactly one of path or loader")
        return self


class Invariance(Section):
    kind: Literal["invariance"]
    feature: str
    name: str | None = None


class Directional(Section):
    kind: Literal["directional"]
    feature: str
    expect: Literal["non-decreasing", "non-increasing"]
    output: str = Field(
        "prediction",
        pattern=r"^(prediction|proba:.+)$",
        description='"prediction" or "proba:<class>"',
    )
    name: str | None = None


class Minimum(Section):
    kind: Literal["minimum"]
    cases: ProjectPath
    min_accuracy: float = Field(1.0, ge=0, le=1)
    name: str | None = None


Behaviour = Annotated[Invariance | Directional | Minimum, Field(discriminator="kind")]


# --- [service] and [load] ----------------------------------------------------------------------


def _has_port(value: str) -> str:
    if "{port}" not in value:
        raise ValueError("the command must contain {port}, where sekit puts a free port")
    return value


class Service(Section):
    """``[service]``: how sekit starts and calls the project's HTTP service."""

    command: Annotated[str, AfterValidator(_has_port)]
    health: str = Field("/health", pattern=r"^/")
    endpoint: str = Field("/predict", pattern=r"^/")
    method: Literal["GET", "POST", "PUT"] = "POST"
    payload: ProjectPath | None = Field(
        None, description="a JSON request body, or a JSON list of bodies to cycle"
    )
    startup_timeout: Duration = Field(30.0, gt=0, description="how long to wait for health")
    env: dict[str, str] = Field(default_factory=dict, description="extra environment variables")


class Load(Section):
    """``[load]``: the Locust load test."""

    users: int = Field(10, ge=1, le=10_000)
    spawn_rate: float = Field(10.0, gt=0)
    duration: Duration = Field(20.0, gt=0, le=3600)
    warmup: Duration = Field(2.0, ge=0, le=600, description="excluded from the statistics")
    wait: Literal["poisson", "between", "none"] = Field(
        "poisson", description="arrival pattern per user (poisson keeps latencies honest)"
    )
    rate: float = Field(5.0, gt=0, description="requests per second per user (poisson)")
    processes: int = Field(1, ge=1, le=64)
    locustfile: ProjectPath | None = Field(None, description="the team's own locustfile")
    min_rps: float | None = Field(None, gt=0, description="throughput required (else throughput)")
    max_error_rate: float = Field(
        0.01, ge=0, le=1, description="share of failed requests above which error_rate fails"
    )
    max_p50_ms: float | None = Field(None, gt=0, description="median latency bound (latency)")
    max_p95_ms: float | None = Field(None, gt=0, description="95th percentile bound (latency)")
    max_p99_ms: float | None = Field(None, gt=0, description="99th percentile bound (latency)")


# --- [gates], [severity], [checks] -------------------------------------------------------------


class Gate(Section):
    """A bound on one metric; at least one of ``min`` and ``max``."""

    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _bounded(self) -> Gate:
        if self.min is None and self.max is None:
            raise ValueError("a gate needs min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


def _known_kind(kind: str) -> str:
    if kind == "check_error":
        raise ValueError("check_error cannot be lowered: a check that errors never passes")
    if kind not in KINDS:
        raise ValueError(f"unknown finding kind {kind!r}")
    return kind


KindName = Annotated[str, AfterValidator(_known_kind)]


class Checks(Section):
    """``[checks]``: how checks run."""

    timeout: Duration = Field(600.0, gt=0, description="time limit per check")
    disable: list[str] = Field(default_factory=list, description="check ids not to run")
    engine: Literal["native", "deepchecks", "all"] = "native"


MltsId = Annotated[str, Field(pattern=r"^(data|model|infra|monitor)-[1-7]$")]


class Grade(Section):
    """``[grade]``: ML Test Score evidence for ``sekit grade``."""

    mlts: dict[MltsId, list[str]] = Field(
        default_factory=dict, description="test id -> pytest node ids that automate it"
    )
    evidence: dict[MltsId, str] = Field(
        default_factory=dict, description="test id -> document with the manual results"
    )


class Config(Section):
    """The whole configuration. ``root`` (the config file's folder) is set by the loader."""

    project: Project
    data: Data | None = None
    model: Model | None = None
    behaviour: list[Behaviour] = Field(default_factory=list)
    service: Service | None = None
    load: Load = Field(default_factory=Load)
    gates: dict[str, Gate] = Field(default_factory=dict)
    severity: dict[KindName, Severity] = Field(
        default_factory=dict, description="explicit severity per finding kind"
    )
    checks: Checks = Field(default_factory=Checks)
    grade: Grade = Field(default_factory=Grade)

    _root: Path = PrivateAttr(default=Path())
    _source: Path = PrivateAttr(default=Path("sekit.toml"))

    @property
    def root(self) -> Path:
        """The folder of the config file: relative paths and the service command start here."""
        return self._root

    @property
    def source(self) -> Path:
        """The file the config was read from."""
        return self._source

    def located(self, *, root: Path, source: Path) -> Config:
        """This config, remembering where it came from."""
        self._root, self._source = root, source
        return self

    @model_validator(mode="before")
    @classmethod
    def _flatten_gates(cls, raw: Any) -> Any:
        """Accept ``[gates.model]`` / ``accuracy = {...}`` as ``"model.accuracy"``."""
        if isinstance(raw, dict) and isinstance(raw.get("gates"), dict):
            raw = {**raw, "gates": _flatten(raw["gates"])}
        return raw


def _flatten(gates: dict[str, Any], prefix: str = "") -> dict[str, Any]:
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
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat
