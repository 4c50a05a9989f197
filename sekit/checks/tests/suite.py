"""The tests suite: the project's own pytest suite, with coverage."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sekit.checks.suite import Suite

if TYPE_CHECKING:
    from sekit.checks.spec import CheckSpec
    from sekit.checks.table import Table
    from sekit.config.schema import Config


def _applies(config: Config, asked: bool) -> str | None:
    """With a ``[tests]`` table (then ``sekit gate`` runs the tests), or when asked by name."""
    from sekit.checks.tests.settings import Tests

    if asked or config.table(Tests) is not None:
        return None
    return "the config has no [tests] table"


def _tables() -> tuple[type[Table], ...]:
    from sekit.checks.tests.settings import Tests

    return (Tests,)


def _checks() -> list[CheckSpec]:
    """The checks, in report order (imported when listed or run)."""
    from sekit.checks.tests import coverage

    return [
        coverage.COVERAGE_CHECK,
    ]


SUITE = Suite(
    name="tests",
    title="The project's own tests, run with coverage (pytest-cov)",
    checks=_checks,
    applies=_applies,
    needs="[tests]",
    tables=_tables,
    order=5,
)
