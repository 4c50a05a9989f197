"""One declaration per suite: :class:`Suite`.

A suite is the unit of extension. Its declaration says everything the rest of sekit needs:
its name (``sekit check NAME``), when it applies to a config, the config tables it owns, its
options on ``sekit check`` (a typed model the suite validates), and its checks
(:class:`~sekit.checks.spec.CheckSpec`, each with its finding kinds, metrics, settings and
figures for the HTML report). The command line, the config schema, ``sekit explain``, the
generated reference pages and the report are all derived from these declarations.

Built-in suites and plugins are found the same way: the ``sekit.suites`` entry-point group
(:mod:`sekit.checks`). A suite's module must stay light: it is imported to build
``sekit check --help`` and the config schema, so it imports pydantic models, never pandas;
its checks are imported only when they are listed or run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

# A plugin imports Suite, SuiteOptions and Table from here; SuiteOptions is declared in
# sekit.checks.options so that the run context need not import this module (no import circle).
from sekit.checks.options import SuiteOptions as SuiteOptions

if TYPE_CHECKING:
    from sekit.checks.context import RunOptions
    from sekit.checks.spec import CheckSpec
    from sekit.checks.table import Table as Table
    from sekit.config.schema import Config


@dataclass(frozen=True)
class Suite:
    """Everything about one suite."""

    name: str
    title: str
    # The checks in report order, one line each, imported when called: a function that
    # imports the checks' modules and lists their specs (sekit/checks/data/suite.py). Help texts
    # and the config schema never call it, so declaring checks costs ``--help`` nothing.
    checks: Callable[[], Sequence[CheckSpec]]
    # ``None`` when the suite runs for this config, else why not. ``asked`` is True when the
    # suite was named (``sekit check release``): some suites run by name only.
    applies: Callable[[Config, bool], str | None]
    needs: str = ""  # what to add to the config when it does not apply, e.g. "[service]"
    # Its config tables, or a function that imports and returns them (built-in suites: so
    # that ``sekit check --help`` does not build the config's models).
    tables: Sequence[type[Table]] | Callable[[], Sequence[type[Table]]] = ()
    options: type[SuiteOptions] | None = None
    targets: int = 0  # running services it takes with --url (load: 1, release: 2)
    # Runs instead of the checks when it returns an exit code (a Locust worker).
    instead: Callable[[Config, RunOptions], int | None] | None = None
    order: int = 100  # place among the suites: reports, help texts, reference pages

    def table_models(self) -> tuple[type[Table], ...]:
        """The suite's config tables (imported when called)."""
        return tuple(self.tables() if callable(self.tables) else self.tables)

    def specs(self) -> list[CheckSpec]:
        """The suite's checks; an error when one does not belong to it."""
        found = list(self.checks())
        for spec in found:
            if spec.suite != self.name:
                raise ValueError(f"check {spec.id!r} is declared by the suite {self.name!r}")
        return found


def __getattr__(name: str) -> Any:
    if name == "Table":  # where plugins import it from; built only when asked for
        from sekit.checks.table import Table

        return Table
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def option_values(model: type[SuiteOptions], given: dict[str, Any]) -> dict[str, Any]:
    """The options of ``model`` that were set to something other than their default."""
    changed: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name in given and given[name] != info.get_default(call_default_factory=True):
            changed[name] = given[name]
    return changed
