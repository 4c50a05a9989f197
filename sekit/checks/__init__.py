"""The suite registry: every :class:`~sekit.checks.suite.Suite`, found in one place.

Built-in suites and plugins are found the same way, from the ``sekit.suites`` entry-point
group (sekit's own are listed in its ``pyproject.toml``, as a plugin lists its own)::

    [project.entry-points."sekit.suites"]
    textstats = "sekit_textstats:SUITE"

A registry is a plain dict of small declarations: ``suites()`` maps each name to its
:class:`Suite`, ``specs()`` lists every check they declare. Nothing registers itself on import.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import TYPE_CHECKING

from sekit.errors import SekitError, did_you_mean

if TYPE_CHECKING:  # kept light: sekit.checks.kinds and the per-suite kinds import this package
    from sekit.checks.spec import CheckSpec
    from sekit.checks.suite import Suite

ENTRY_POINT_GROUP = "sekit.suites"
# The group of sekit 0.1's check plugins: a plugin still listed there would silently lose its
# checks, so finding one is an error that says how to move it.
OLD_GROUP = "sekit.checks"

_suites: dict[str, Suite] | None = None
_specs: list[CheckSpec] | None = None


def suites() -> dict[str, Suite]:
    """Every suite by name, in order (built-in and plugins alike), found once per process."""
    global _suites
    if _suites is None:
        _suites = _discover()
    return _suites


def specs(suite: str | None = None, *, engine: str | None = None) -> list[CheckSpec]:
    """Every check of every suite (imports the checks' modules), or of one suite, or of one
    engine (``native``, ``deepchecks``), in report order."""
    global _specs
    if _specs is None:
        found = [spec for each in suites().values() for spec in each.specs()]
        ids = [spec.id for spec in found]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise SekitError(f"check ids declared twice: {', '.join(twice)}")
        _specs = found
    return [
        spec
        for spec in _specs
        if (suite is None or spec.suite == suite) and (engine is None or spec.engine == engine)
    ]


def suite(name: str) -> Suite:
    """The suite called ``name``; an error with the nearest name otherwise."""
    known = suites()
    if name not in known:
        hint = did_you_mean(name, known) or f"expected one of {', '.join(known)}"
        raise SekitError(f"unknown suite {name!r}", hint=hint)
    return known[name]


def use(found: dict[str, Suite] | None) -> None:
    """Replace what discovery found (``None``: discover again). For tests and embedders."""
    global _suites, _specs
    _suites, _specs = found, None


def _discover() -> dict[str, Suite]:
    from sekit.checks.suite import Suite

    installed = entry_points()  # one scan of the installed distributions, read for both groups
    old = [point.value for point in installed.select(group=OLD_GROUP)]
    if old:
        raise SekitError(
            f"a plugin registers checks in the entry-point group {OLD_GROUP!r} ({old[0]}), "
            f"which sekit no longer reads",
            hint=f"declare a Suite and list it in {ENTRY_POINT_GROUP!r} (docs/howto/plugin.md)",
        )
    found: list[Suite] = []
    for point in installed.select(group=ENTRY_POINT_GROUP):
        try:
            declared = point.load()
        except Exception as exc:  # a broken plugin must not pass for a missing one
            raise SekitError(
                f"the sekit suite {point.name!r} ({point.value}) failed to load: {exc}",
                hint="reinstall or uninstall the package that provides it",
            ) from exc
        if not isinstance(declared, Suite):
            raise SekitError(
                f"the entry point {point.name!r} ({point.value}) is not a sekit Suite",
                hint="it must name a sekit.checks.suite.Suite object",
            )
        if declared.name != point.name:
            raise SekitError(
                f"the entry point {point.name!r} names the suite {declared.name!r}",
                hint="give the entry point the suite's name",
            )
        found.append(declared)
    names = [s.name for s in found]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise SekitError(
            f"two installed packages declare the suite {twice[0]!r}",
            hint="uninstall one of them (`pip list` shows what is installed)",
        )
    return {s.name: s for s in sorted(found, key=lambda s: (s.order, s.name))}


__all__ = ["ENTRY_POINT_GROUP", "specs", "suite", "suites", "use"]
