"""The check registry: a plain dict of small objects that match the :class:`Check` protocol.

Built-in checks are declared once each as a :class:`~sekit.checks.spec.CheckSpec` (which is a
``Check``) in the modules of their suite's package, which registers them when it is imported;
a plugin registers its checks the same way, from a module named by the ``sekit.checks``
entry-point group (a plain :class:`FunctionCheck` works too).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Protocol

from sekit.errors import SekitError

if TYPE_CHECKING:
    from sekit.checks.context import Context
    from sekit.config.schema import Config
    from sekit.results import CheckResult


class Check(Protocol):
    """What the runner needs of a check."""

    @property
    def id(self) -> str: ...
    @property
    def suite(self) -> str: ...
    @property
    def engine(self) -> str: ...
    @property
    def title(self) -> str: ...

    def applies(self, config: Config) -> str | None:
        """``None`` when the check applies to this config, else why it is skipped."""

    def run(self, ctx: Context) -> CheckResult:
        """Run the check. Raise :class:`~sekit.errors.SekitError` for unusable input."""


@dataclass(frozen=True)
class FunctionCheck:
    """A check made from a function ``(ctx) -> CheckResult``."""

    id: str
    suite: str
    title: str
    func: Callable[[Context], CheckResult]
    engine: str = "native"
    requires: Callable[[Config], str | None] | None = None

    def applies(self, config: Config) -> str | None:
        return self.requires(config) if self.requires is not None else None

    def run(self, ctx: Context) -> CheckResult:
        return self.func(ctx)


REGISTRY: dict[str, Check] = {}
SUITE_PACKAGES: dict[str, str] = {
    "data": "sekit.checks.data",
    "model": "sekit.checks.model",
    "load": "sekit.checks.load",
    "release": "sekit.checks.release",
    "monitor": "sekit.checks.monitor",
}
BUILTIN_SUITES: dict[str, str] = dict(SUITE_PACKAGES)  # what the runner loads
ENTRY_POINT_GROUP = "sekit.checks"
_loaded: set[str] = set()


def register(item: Check) -> Check:
    """Add a check to the registry; an id can be registered once."""
    if item.id in REGISTRY and REGISTRY[item.id] is not item:
        raise ValueError(f"a check with id {item.id!r} is already registered")
    if not item.id.startswith(f"{item.suite}."):
        raise ValueError(f"check id {item.id!r} must start with its suite {item.suite!r}")
    REGISTRY[item.id] = item
    return item


def check(
    id: str,
    *,
    title: str,
    engine: str = "native",
    requires: Callable[[Config], str | None] | None = None,
) -> Callable[[Callable[[Context], CheckResult]], FunctionCheck]:
    """Register a function as a check: ``@check("data.missing_values", title=...)``."""

    def decorate(func: Callable[[Context], CheckResult]) -> FunctionCheck:
        suite = id.split(".", 1)[0]
        made = FunctionCheck(
            id=id, suite=suite, title=title, func=func, engine=engine, requires=requires
        )
        register(made)
        return made

    return decorate


def load_suite(suite: str) -> None:
    """Import the built-in checks of ``suite`` (once)."""
    module = BUILTIN_SUITES.get(suite)
    if module is None or suite in _loaded:
        return
    importlib.import_module(module)
    _loaded.add(suite)


def load_plugins() -> None:
    """Import every module named in the ``sekit.checks`` entry-point group (once)."""
    if "plugins" in _loaded:
        return
    _loaded.add("plugins")
    for point in entry_points(group=ENTRY_POINT_GROUP):
        try:
            point.load()
        except Exception as exc:  # a broken plugin must not hide the built-in checks
            raise SekitError(
                f"the sekit check plugin {point.value!r} failed to load: {exc}",
                hint="reinstall or uninstall the plugin package",
            ) from exc
