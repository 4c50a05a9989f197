"""The experiment suite: an A/B or canary run, from the served log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sekit.checks.experiment.options import ExperimentOptions
from sekit.checks.suite import Suite

if TYPE_CHECKING:
    from sekit.checks.spec import CheckSpec
    from sekit.checks.table import Table
    from sekit.config.schema import Config


def _applies(config: Config, asked: bool) -> str | None:
    """It judges a run that already happened: with an ``[experiment]`` table."""
    from sekit.checks.experiment.settings import Experiment

    if config.table(Experiment) is None:
        return "the config has no [experiment] table"
    return None


def _tables() -> tuple[type[Table], ...]:
    from sekit.checks.experiment.settings import Experiment

    return (Experiment,)


def _checks() -> list[CheckSpec]:
    """The checks, in report order (imported when listed or run)."""
    from sekit.checks.experiment import assignment, difference, guardrails

    return [
        assignment.ASSIGNMENT_CHECK,
        difference.DIFFERENCE_CHECK,
        guardrails.GUARDRAILS_CHECK,
    ]


SUITE = Suite(
    name="experiment",
    title="A/B and canary experiments from the served log: assignment, difference, decision",
    checks=_checks,
    applies=_applies,
    needs="[experiment]",
    tables=_tables,
    options=ExperimentOptions,
    order=55,
)
