"""The experiment suite: an A/B or canary run, from the served log."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sekit.checks.experiment.options import ExperimentOptions
from sekit.checks.experiment.settings import Experiment
from sekit.checks.suite import Suite, checks_in

if TYPE_CHECKING:
    from sekit.config.schema import Config


def _applies(config: Config, asked: bool) -> str | None:
    """It judges a run that already happened: with an ``[experiment]`` table."""
    if config.table(Experiment) is None:
        return "the config has no [experiment] table"
    return None


SUITE = Suite(
    name="experiment",
    title="A/B and canary experiments from the served log: assignment, difference, decision",
    checks=checks_in("sekit.checks.experiment"),
    applies=_applies,
    needs="[experiment]",
    tables=(Experiment,),
    options=ExperimentOptions,
    order=55,
)
