"""The tests suite: the project's own pytest suite, with coverage."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sekit.checks.suite import Suite, checks_in
from sekit.checks.tests.settings import Tests

if TYPE_CHECKING:
    from sekit.config.schema import Config


def _applies(config: Config, asked: bool) -> str | None:
    """With a ``[tests]`` table (then ``sekit gate`` runs the tests), or when asked by name."""
    if asked or config.table(Tests) is not None:
        return None
    return "the config has no [tests] table"


SUITE = Suite(
    name="tests",
    title="The project's own tests, run with coverage (pytest-cov)",
    checks=checks_in("sekit.checks.tests"),
    applies=_applies,
    needs="[tests]",
    tables=(Tests,),
    order=5,
)
