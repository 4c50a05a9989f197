"""How each built-in rubric item is judged, from files and git history only.

Every item is declared once, beside its detector (:func:`sekit.grade.detectors.item.item`):
its id, section, title and points. A detector takes the team's :class:`Repository` (one shared,
cached index of its files and history) and returns an :class:`Outcome`: a status (``met``,
``partial``, ``missing``, ``template``, ``not_assessed``), its evidence (file and line, test,
commit) and the share of the item's points it earns. ``template`` means text the team has not
filled in; ``not_assessed`` means a tool grading needs failed: it never counts as met.
What each detector looks for, and what it cannot see: ``docs/explanation/grading.md``.

:data:`SECTIONS` is the built-in rubric's table of contents: each section, in order, with the
modules whose ``ITEMS`` (in their order) it takes. Adding an item to a module's ``ITEMS`` puts
it in the rubric; a new module is named here once.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

from sekit.grade.detectors import (
    alerts,
    ansible,
    availability,
    ci,
    commits,
    compose,
    configuration,
    coverage,
    dashboards,
    deps,
    docs,
    istio,
    kubernetes,
    lintrules,
    metrics,
    ops,
    pipeline,
    quality,
    release,
    retraining,
    secrets,
    tests,
    vagrant,
    vcs,
)
from sekit.grade.detectors.common import Outcome
from sekit.grade.detectors.item import Custom, Item, item

SECTIONS: tuple[tuple[str, tuple[ModuleType, ...]], ...] = (
    ("version control", (vcs, commits)),
    ("dependencies", (deps,)),
    ("code quality", (quality, secrets, lintrules)),
    ("tests", (tests, coverage)),
    ("continuous integration", (ci, coverage)),
    ("documentation", (docs,)),
    ("ML pipeline", (pipeline,)),
    (
        "operation",
        (ops, retraining, availability, configuration, metrics, dashboards, alerts),
    ),
    ("release", (release,)),
    ("deployment", (compose, kubernetes, istio)),
    ("provisioning", (vagrant, ansible)),
)


def collect(sections: Sequence[tuple[str, Sequence[ModuleType]]]) -> tuple[Item, ...]:
    """The items of each section, in order: of each module named, the ``ITEMS`` of that
    section. An item no section takes, or a section no item of its module declares, is a
    mistake this refuses (ValueError), as are two items with one id."""
    found: list[Item] = []
    declared: dict[str, Item] = {}
    for section, modules in sections:
        for module in modules:
            items: tuple[Item, ...] = module.ITEMS
            for each in items:
                declared.setdefault(each.id, each)
            taken = [each for each in items if each.section == section]
            if not taken:
                raise ValueError(f"{module.__name__}: no item of section {section!r} in its ITEMS")
            found += taken
    ids = [each.id for each in found]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise ValueError(f"rubric items declared twice: {', '.join(twice)}")
    left = sorted(set(declared) - set(ids))
    if left:
        raise ValueError(
            f"rubric items in no section: {', '.join(left)}: name their module under their "
            "section in sekit.grade.detectors.SECTIONS"
        )
    return tuple(found)


ITEMS: dict[str, Item] = {each.id: each for each in collect(SECTIONS)}
"""Every built-in item by its id, in the rubric's order (``ITEMS["vcs.git"](repo)`` runs its
detector)."""

__all__ = ["ITEMS", "SECTIONS", "Custom", "Item", "Outcome", "collect", "item"]
