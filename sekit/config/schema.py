"""The declared schema of ``sekit.toml`` (and ``[tool.sekit]`` in ``pyproject.toml``).

:class:`Config` holds the tables that describe the project, which every suite reads
(``[project]``, ``[data]``, ``[model]``, ``[[behaviour]]``, ``[service]``, ``[load]``), and
those of the run itself (``[gates]``, ``[severity]``, ``[checks]``, ``[grade]``). A suite's own
settings are a table it registers (:class:`~sekit.checks.suite.Table`, e.g. ``[release]``,
``[monitor]``, a plugin's): :func:`assembled` adds them to the model, and checks read them with
:meth:`Config.table`.

Every table forbids unknown keys, so a misspelt key is an error rather than a silently ignored
setting. Paths are resolved against the folder of the config file. ``sekit config schema``
prints this schema as JSON Schema for editors.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    Field,
    PrivateAttr,
    ValidationInfo,
    create_model,
    model_validator,
)

from sekit.checks.kinds import CHECK_ERROR
from sekit.config.behaviour import Behaviour, Directional, Invariance, Minimum
from sekit.config.data import Column, ColumnType, Data, Drift, Leakage, Quality
from sekit.config.endpoint import Endpoint
from sekit.config.ranking import Ranking, check_behaviours
from sekit.config.retrain import Retrain
from sekit.config.service import Load, Service
from sekit.config.values import (
    Duration,
    ModelLocation,
    ProjectPath,
    Section,
    flatten_gates,
    parse_duration,
)
from sekit.results import Severity

if TYPE_CHECKING:
    from sekit.checks.table import Table

T = TypeVar("T", bound=Section)

__all__ = [
    "Behaviour",
    "Checks",
    "Column",
    "ColumnType",
    "Config",
    "Data",
    "Directional",
    "Drift",
    "Duration",
    "Gate",
    "Grade",
    "Invariance",
    "Leakage",
    "Load",
    "Minimum",
    "Model",
    "Project",
    "ProjectPath",
    "Quality",
    "Ranking",
    "Retrain",
    "Section",
    "Service",
    "parse_duration",
]


# --- [project] ---------------------------------------------------------------------------------


class Project(Section):
    """Who the project is: the name appears in reports and grades."""

    name: str = Field(min_length=1, description="project name, shown in reports")
    team: list[str] = Field(default_factory=list, description="team members")
    description: str = Field("", description="one sentence on what the project does")


# --- [model] and [[behaviour]] -----------------------------------------------------------------


class Model(Endpoint):
    """``[model]``: the model under test: a file, a loader, or an endpoint sekit calls."""

    path: ModelLocation | None = Field(
        None,
        description="a joblib, pickle or skops file, or an MLflow model URI "
        "(runs:/<run id>/model, models:/<name>@<alias>)",
    )
    loader: str | None = Field(
        None,
        pattern=r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$",
        description="module:callable returning an object with predict()",
    )
    task: Literal["classification", "regression", "ranking"] = Field(
        description="what the model predicts: a class, a number, or a list of items per user "
        "(ranking: a recommender, [model.ranking]; an endpoint: classification unless set)"
    )
    ranking: Ranking | None = Field(
        None, description="a recommender's columns, list length and bounds (task = ranking)"
    )
    baseline: ModelLocation | None = Field(
        None,
        description="the previously deployed model (a file or an MLflow model URI); the "
        "candidate must not be worse",
    )
    tracking_uri: str | None = Field(
        None,
        description="the MLflow store that model URIs are read from (default: "
        "MLFLOW_TRACKING_URI, else mlflow.db beside the config)",
    )
    baseline_tolerance: float = Field(
        0.01,
        ge=0,
        description=(
            "loss against the baseline that is still accepted: accuracy points "
            "(classification) or the relative increase of the MAE (regression)"
        ),
    )
    baseline_p_value: float = Field(
        0.01,
        gt=0,
        lt=1,
        description="a loss counts when the paired test (McNemar, paired bootstrap) is below this",
    )
    trusted_types: list[str] = Field(
        default_factory=list, description="extra types a skops file may contain"
    )
    slice_min_size: int = Field(20, ge=1, description="smallest slice that is judged")
    sensitive: list[str] = Field(
        default_factory=list,
        description="protected attributes (columns of the data, model inputs or not): "
        "per-group metrics and fairness gates (model.fairness, data.representation)",
    )
    positive_class: str | None = Field(
        None,
        description="the favourable or flagged class whose rates fairness compares (default: "
        "the model's last class)",
    )
    max_fairness_gap: float = Field(
        0.1,
        ge=0,
        le=1,
        description="a gap between a group's rate (or MAE, relative) and the rest's that is "
        "unfair once its test says it is real",
    )
    fairness_p_value: float = Field(
        0.05, gt=0, lt=1, description="level of the group comparisons (Holm-corrected)"
    )
    slice_max_drop: float = Field(
        0.1,
        ge=0,
        description=(
            "weak_slice when a slice's accuracy is this much below overall (classification), "
            "or its MAE is (1 + this) times overall (regression), and its confidence interval "
            "says it is really worse"
        ),
    )
    examples: int = Field(20, ge=1, le=10_000, description="Hypothesis examples per property")
    batch_rows: int = Field(
        8192,
        ge=1,
        le=65_536,
        description="rows per generated example (the model predicts each batch at once)",
    )
    shrink_seconds: float = Field(
        20.0, gt=0, le=300, description="time Hypothesis may spend shrinking one failure"
    )

    @model_validator(mode="before")
    @classmethod
    def _endpoints_classify(cls, raw: Any) -> Any:
        """A given endpoint classifies unless the config says otherwise (a file or a loader
        must say what it is)."""
        if isinstance(raw, dict) and "endpoint" in raw and "task" not in raw:
            return {**raw, "task": "classification"}
        return raw

    @model_validator(mode="after")
    def _one_source(self) -> Model:
        given = [self.path is not None, self.loader is not None, self.endpoint is not None]
        if sum(given) != 1:
            raise ValueError("set exactly one of path, loader or endpoint")
        if self.endpoint is None and self._endpoint_keys():
            raise ValueError(f"{self._endpoint_keys()[0]} is set, but there is no endpoint")
        if self.protocol == "openai" and self.endpoint is not None:
            if (self.prompt is None) == (self.prompt_file is None):
                raise ValueError("the openai protocol needs exactly one of prompt or prompt_file")
            if self.llm is None:
                raise ValueError('the openai protocol needs llm, the "model" of the request')
        if self.task == "ranking" and self.endpoint is not None:
            raise ValueError(
                "a ranking model is a file or a loader with recommend(users, k); a served "
                "recommender is judged by sekit check load and monitor"
            )
        if self.ranking is not None and self.task != "ranking":
            raise ValueError('[model.ranking] is set, but task is not "ranking"')
        if self.protocol != "openai":
            chat = [k for k in ("temperature", "max_tokens") if k in self.model_fields_set]
            if chat:
                raise ValueError(f'{chat[0]} applies to a chat model (protocol = "openai")')
        return self

    @property
    def ranked(self) -> Ranking:
        """``[model.ranking]``, or its defaults (a ranking model without the table)."""
        return self.ranking or Ranking()

    def _endpoint_keys(self) -> list[str]:
        """Endpoint keys set to something other than their default."""
        return [
            name
            for name in Endpoint.model_fields
            if name in self.model_fields_set and name != "endpoint"
        ]


# --- [gates], [severity], [checks] -------------------------------------------------------------


class Gate(Section):
    """A bound on one metric; at least one of ``min`` and ``max``."""

    min: float | None = Field(None, description="the metric must be at least this")
    max: float | None = Field(None, description="the metric must be at most this")

    @model_validator(mode="after")
    def _bounded(self) -> Gate:
        if self.min is None and self.max is None:
            raise ValueError("a gate needs min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


def _not_check_error(kind: str) -> str:
    # Which kinds exist is known once the suites are loaded: the runner checks the names
    # (sekit.runner.check_severities); that a check that errors never passes is known here.
    if kind == CHECK_ERROR.name:
        raise ValueError("check_error cannot be lowered: a check that errors never passes")
    return kind


KindName = Annotated[str, AfterValidator(_not_check_error)]


class Checks(Section):
    """``[checks]``: how checks run."""

    timeout: Duration = Field(600.0, gt=0, description="time limit per check")
    disable: list[str] = Field(default_factory=list, description="check ids not to run")
    engine: Literal["native", "deepchecks", "all"] = Field(
        "native", description="which engine runs the data and model checks"
    )


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

    # no [project]: named after the config's folder (_named_by_folder)
    project: Project = Field(default_factory=lambda: Project(name="project"))
    data: Data | None = None
    model: Model | None = None
    behaviour: list[Behaviour] = Field(
        default_factory=list,
        description="model behaviour properties, tested with generated inputs (Hypothesis)",
    )
    service: Service | None = None
    load: Load = Field(default_factory=Load)
    gates: dict[str, Gate] = Field(default_factory=dict)
    severity: dict[KindName, Severity] = Field(
        default_factory=dict, description="explicit severity per finding kind"
    )
    checks: Checks = Field(default_factory=Checks)
    grade: Grade = Field(default_factory=Grade)
    retrain: Retrain | None = None

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

    def table(self, kind: type[T]) -> T | None:
        """A suite's table (``config.table(Release)``), or ``None`` when the config has none."""
        name = getattr(kind, "table", "")
        found = getattr(self, name, None) if name else None
        return found if isinstance(found, kind) else None

    def located(self, *, root: Path, source: Path) -> Config:
        """This config, remembering where it came from."""
        self._root, self._source = root, source
        return self

    @model_validator(mode="after")
    def _ranking_behaviour(self) -> Config:
        if self.model is not None and self.model.task == "ranking":
            check_behaviours(self.model.ranked, self.behaviour)
        return self

    @model_validator(mode="before")
    @classmethod
    def _named_by_folder(cls, raw: Any, info: ValidationInfo) -> Any:
        """No ``[project]``: named after the config's folder (``[data]`` + ``[model]`` do)."""
        root = (info.context or {}).get("root")
        if isinstance(raw, dict) and "project" not in raw and root is not None:
            raw = {**raw, "project": {"name": Path(root).resolve().name or "project"}}
        return raw

    @model_validator(mode="before")
    @classmethod
    def _flatten_gates(cls, raw: Any) -> Any:
        """Accept ``[gates.model]`` / ``accuracy = {...}`` as ``"model.accuracy"``."""
        if isinstance(raw, dict) and isinstance(raw.get("gates"), dict):
            raw = {**raw, "gates": flatten_gates(raw["gates"])}
        return raw


def assembled(tables: Sequence[type[Table]]) -> type[Config]:
    """The config model with the suites' tables: each an optional key of the top level."""
    fields: dict[str, Any] = {}
    for table in tables:
        key = table.table
        if not key.isidentifier() or key in Config.model_fields or key in fields:
            raise ValueError(f"the table [{key}] of {table.__name__} is taken or not a name")
        doc = " ".join((table.__doc__ or "").split("\n\n")[0].split())
        fields[key] = (table | None, Field(None, description=doc))
    if not fields:
        return Config
    made: type[Config] = create_model("Config", __base__=Config, **fields)
    made.__doc__ = Config.__doc__
    return made
