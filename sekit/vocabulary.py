"""The shared vocabulary: finding kinds and metric names that users, CI and instructors rely on.

Names come from SPEC.md and are never renamed. They are not listed here: each is declared,
with its explanation, by the check that emits it (:class:`~sekit.checks.spec.CheckSpec`), and
this module gathers them from every suite's checks (:func:`sekit.checks.specs`).
``check_error``, which any check can end with, is declared in :mod:`sekit.checks.kinds`.

``KINDS`` and ``METRICS`` are computed on first use (module attributes), so importing this
module stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sekit.checks.kinds import CHECK_ERROR
from sekit.checks.spec import Kind

if TYPE_CHECKING:
    from sekit.checks.spec import Metric


@dataclass(frozen=True)
class Term:
    name: str
    suite: str
    summary: str


def declared() -> tuple[dict[str, tuple[Kind, str]], dict[str, tuple[Metric, str]]]:
    """kind -> (its declaration, its suite) and metric -> (declaration, suite)."""
    from sekit.checks import specs
    from sekit.checks.spec import explained

    kinds, metrics = explained(specs())
    found_kinds = {  # check_error: any check can end with it, whichever lists it
        name: (kind, spec.suite) for name, (kind, spec) in kinds.items() if kind is not CHECK_ERROR
    }
    found_kinds[CHECK_ERROR.name] = (CHECK_ERROR, "any")
    found_metrics = {name: (metric, spec.suite) for name, (metric, spec) in metrics.items()}
    return found_kinds, found_metrics


def _terms(table: dict[str, Any]) -> dict[str, Term]:
    return {name: Term(name, suite, item.summary) for name, (item, suite) in table.items()}


def __getattr__(name: str) -> dict[str, Term]:
    if name == "KINDS":
        return _terms(declared()[0])
    if name == "METRICS":
        return _terms(declared()[1])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
