"""One declaration per check: :class:`CheckSpec`.

A check is declared once, in its own module, as a ``CheckSpec`` that holds everything the rest
of sekit needs to know about it: its id and title, the function that runs it, the finding kinds
and metrics it emits (with the texts ``sekit explain`` shows), the config keys that tune it and
its config section model, the ML Test Score tests it automates, and its Deepchecks counterparts.
The vocabulary, ``sekit explain``, the reference pages (docs/reference), the Deepchecks
engines' rules and the ML Test Score mapping are all derived from these declarations.

Identity is written once. A check's id is the ``id`` of its spec, and nowhere else: the check
function returns an :class:`~sekit.results.Outcome` (findings, summary, metrics; build it with
:func:`sekit.checks.findings.outcome`) and the runner stamps the id, suite and engine from the
spec to make the :class:`~sekit.results.CheckResult`, as pytest builds a report from an item.
A finding kind is a :class:`Kind` object, declared once at module level in the module of the
check that owns it (``LEAKAGE = Kind("label_leakage", ...)``); findings are made from it
(``finding(LEAKAGE, "fail", message, ...)``), and a check that emits another check's kind
imports that object (kinds that many suites share: :mod:`sekit.checks.kinds`). A misspelt kind
is then a NameError that ruff and mypy report, not a new kind in a report. A spec's ``kinds``
and ``metrics`` list the objects it emits; the first spec listing one (in report order) is its
declarer for ``sekit explain`` (:func:`explained`). A tests/checks/test_identity.py scan keeps
ids and kind names out of string literals.

A suite lists its checks in report order, one line each, in its ``Suite(checks=...)``
(:mod:`sekit.checks.suite`): adding a check is its module, its line in that list, and its
tests (docs/development.md, "A new check").
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

# Declared below the results (a finding is made from a Kind); check authors import them here.
from sekit.checks.kind import Kind as Kind
from sekit.checks.kind import Metric as Metric

if TYPE_CHECKING:
    from pydantic import BaseModel

    from sekit.checks.context import Context
    from sekit.config.schema import Config
    from sekit.report.model import GateResult
    from sekit.report.svg import Figure
    from sekit.results import CheckResult, Outcome


@dataclass(frozen=True)
class MltsClaim:
    """An ML Test Score test (Breck et al. 2017) this check automates, with the paper's wording
    that justifies it, and a metric that must be positive for the claim to hold (e.g. served
    data was checked)."""

    test: str
    why: str
    requires: str | None = None


@dataclass(frozen=True)
class Rule:
    """How a failed condition of a Deepchecks check becomes a sekit finding."""

    kind: Kind
    severity: str


DeepchecksRule = Rule | Callable[[str], Rule]
# A check's pictures for the HTML report, from its result and the run's gates by metric (a
# bound to draw). It reads its data with the check's own Evidence model (sekit.results).
Figures = Callable[["CheckResult", Mapping[str, "GateResult"]], list["Figure"]]


@dataclass(frozen=True)
class CheckSpec:
    """Everything about one check. It is also what the runner runs (the ``Check`` protocol)."""

    id: str
    title: str
    func: Callable[[Context], Outcome]
    emits: str = ""  # for the reference: the kinds it reports and their default severity
    kinds: tuple[Kind, ...] = ()
    metrics: tuple[Metric | str, ...] = ()
    settings: tuple[str, ...] = ()  # config keys that tune it, e.g. "[data.columns]"
    section: tuple[str, type[BaseModel]] | None = None  # its config table: ("[data.drift]", Drift)
    requires: Callable[[Config], str | None] | None = None
    mlts: tuple[MltsClaim, ...] = ()
    deepchecks: Mapping[str, DeepchecksRule] = field(default_factory=dict)
    engine: str = "native"
    figures: Figures | None = None

    @property
    def suite(self) -> str:
        return self.id.split(".", 1)[0]

    def applies(self, config: Config) -> str | None:
        return self.requires(config) if self.requires is not None else None

    def run(self, ctx: Context) -> Outcome:
        return self.func(ctx)

    @property
    def kind_names(self) -> list[str]:
        return [k.name for k in self.kinds]

    @property
    def metric_names(self) -> list[str]:
        return [m if isinstance(m, str) else m.name for m in self.metrics]


def explained(
    specs: list[CheckSpec],
) -> tuple[dict[str, tuple[Kind, CheckSpec]], dict[str, tuple[Metric, CheckSpec]]]:
    """Every declared kind and metric with the spec that declares it (the first that lists it);
    an error when two declarations share a name."""
    kinds: dict[str, tuple[Kind, CheckSpec]] = {}
    metrics: dict[str, tuple[Metric, CheckSpec]] = {}
    for spec in specs:
        for kind in spec.kinds:
            if kind.name in kinds and kinds[kind.name][0] is not kind:
                raise ValueError(
                    f"finding kind {kind.name!r} is declared by both "
                    f"{kinds[kind.name][1].id} and {spec.id}"
                )
            kinds.setdefault(kind.name, (kind, spec))
        for metric in spec.metrics:
            if isinstance(metric, Metric):
                if metric.name in metrics and metrics[metric.name][0] is not metric:
                    raise ValueError(
                        f"metric {metric.name!r} is declared by both "
                        f"{metrics[metric.name][1].id} and {spec.id}"
                    )
                metrics.setdefault(metric.name, (metric, spec))
    return kinds, metrics


def default(model: type[BaseModel], name: str) -> Any:
    """The default of a settings field, for a text that quotes it (``emits``, ``trust``):
    ``f"fail above [data.quality].max_duplicate_ratio ({share(default(Quality,
    'max_duplicate_ratio'))})"``. A renamed field fails at import, and the text never goes
    stale when the default changes."""
    return model.model_fields[name].get_default(call_default_factory=True)


def share(value: float) -> str:
    """A share as a percentage the way the docs write it: 0.05 -> ``5%``, 0.005 -> ``0.5%``."""
    return f"{value * 100:.6g}%"


def on(
    load: Callable[[Context], Any], check: Callable[[Any], Outcome]
) -> Callable[[Context], Outcome]:
    """A check function of the run context made from one of a shared input (e.g. the data
    bundle): ``on(bundle_from_config, check_duplicates)``."""

    def run(ctx: Context) -> Outcome:
        return check(load(ctx))

    run.__doc__ = check.__doc__
    run.__name__ = getattr(check, "__name__", "run")
    return run
