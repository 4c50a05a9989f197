"""One declaration per check: :class:`CheckSpec`.

A check is declared once, in its own module, as a ``CheckSpec`` that holds everything the rest
of sekit needs to know about it: its id and title, the function that runs it, the finding kinds
and metrics it emits (with the texts ``sekit explain`` shows), the config keys that tune it and
its config section model, the ML Test Score tests it automates, and its Deepchecks counterparts.
The vocabulary, ``sekit explain``, the reference pages (docs/reference), the Deepchecks
engines' rules and the ML Test Score mapping are all derived from these declarations.

A kind or metric that several checks emit is declared (with its texts) by one of them and named
by the others as a plain string; :mod:`sekit.vocabulary` checks that every name resolves and
that nothing is declared twice.

A suite's checks are the ``SPECS`` of its package's modules (:func:`declared_in`): adding a check
is its module and its tests.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import BaseModel

    from sekit.checks.context import Context
    from sekit.config.schema import Config
    from sekit.report.model import GateResult
    from sekit.report.svg import Figure
    from sekit.results import CheckResult


@dataclass(frozen=True)
class Kind:
    """A finding kind: what it means (``summary``), why it matters in production, how to
    investigate it and how to fix it."""

    name: str
    summary: str
    why: str
    investigate: str
    fix: str
    trust: str = (
        ""  # how sure a finding is: its false-alarm rate and power (docs/explanation/trust.md)
    )


@dataclass(frozen=True)
class Metric:
    """A metric, under its report-wide name (``data.drift_share``). ``gate`` is an example
    bound (``"max = 0.1"``) for the docs, or None for a metric that is only informational."""

    name: str
    summary: str
    why: str
    investigate: str
    fix: str
    gate: str | None = None


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

    kind: str
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
    func: Callable[[Context], CheckResult]
    emits: str = ""  # for the reference: the kinds it reports and their default severity
    kinds: tuple[Kind | str, ...] = ()
    metrics: tuple[Metric | str, ...] = ()
    settings: tuple[str, ...] = ()  # config keys that tune it, e.g. "[data.columns]"
    section: tuple[str, type[BaseModel]] | None = None  # its config table: ("[data.drift]", Drift)
    requires: Callable[[Config], str | None] | None = None
    mlts: tuple[MltsClaim, ...] = ()
    deepchecks: Mapping[str, DeepchecksRule] = field(default_factory=dict)
    engine: str = "native"
    order: int = 100  # place in its suite's reports
    figures: Figures | None = None

    @property
    def suite(self) -> str:
        return self.id.split(".", 1)[0]

    def applies(self, config: Config) -> str | None:
        return self.requires(config) if self.requires is not None else None

    def run(self, ctx: Context) -> CheckResult:
        return self.func(ctx)

    @property
    def kind_names(self) -> list[str]:
        return [k if isinstance(k, str) else k.name for k in self.kinds]

    @property
    def metric_names(self) -> list[str]:
        return [m if isinstance(m, str) else m.name for m in self.metrics]


def declared_in(package: ModuleType) -> list[CheckSpec]:
    """The specs declared in the modules of a suite's package (``SPECS``), in report order.

    Every module of the package is imported; its module-level ``SPECS`` (a sequence of
    :class:`CheckSpec`) is collected. Order: each spec's ``order``, then its module, then its
    place in the module.
    """
    found: list[tuple[int, str, int, CheckSpec]] = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for index, spec in enumerate(getattr(module, "SPECS", ())):
            found.append((spec.order, info.name, index, spec))
    return [spec for *_, spec in sorted(found, key=lambda item: item[:3])]


def explained(
    specs: list[CheckSpec],
) -> tuple[dict[str, tuple[Kind, CheckSpec]], dict[str, tuple[Metric, CheckSpec]]]:
    """Every declared kind and metric with the spec that declares it; an error when one is
    declared twice."""
    kinds: dict[str, tuple[Kind, CheckSpec]] = {}
    metrics: dict[str, tuple[Metric, CheckSpec]] = {}
    for spec in specs:
        for kind in spec.kinds:
            if isinstance(kind, Kind):
                if kind.name in kinds:
                    raise ValueError(
                        f"finding kind {kind.name!r} is declared by both "
                        f"{kinds[kind.name][1].id} and {spec.id}"
                    )
                kinds[kind.name] = (kind, spec)
        for metric in spec.metrics:
            if isinstance(metric, Metric):
                if metric.name in metrics:
                    raise ValueError(
                        f"metric {metric.name!r} is declared by both "
                        f"{metrics[metric.name][1].id} and {spec.id}"
                    )
                metrics[metric.name] = (metric, spec)
    return kinds, metrics


def on(
    load: Callable[[Context], Any], check: Callable[[Any], CheckResult]
) -> Callable[[Context], CheckResult]:
    """A check function of the run context made from one of a shared input (e.g. the data
    bundle): ``on(bundle_from_config, check_duplicates)``."""

    def run(ctx: Context) -> CheckResult:
        return check(load(ctx))

    run.__doc__ = check.__doc__
    run.__name__ = getattr(check, "__name__", "run")
    return run
