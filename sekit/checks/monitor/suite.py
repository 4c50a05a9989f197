"""The monitor suite: the service as it ran, window by window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sekit.checks.monitor.options import MonitorOptions
from sekit.checks.suite import Suite

if TYPE_CHECKING:
    from sekit.checks.spec import CheckSpec
    from sekit.checks.table import Table
    from sekit.config.schema import Config


def _applies(config: Config, asked: bool) -> str | None:
    """It judges the service's past traffic: with a ``[monitor]`` table, or by name when
    ``[data].production`` names the prediction log."""
    from sekit.checks.monitor.settings import Monitor

    if config.table(Monitor) is not None:
        return None
    if asked and config.data is not None and config.data.production is not None:
        return None
    if asked:
        return "the config names no prediction log ([data].production)"
    return "the config has no [monitor] table"


def _tables() -> tuple[type[Table], ...]:
    from sekit.checks.monitor.settings import Monitor

    return (Monitor,)


def _checks() -> list[CheckSpec]:
    """The checks, in report order (imported when listed or run)."""
    from sekit.checks.monitor import (
        accuracy,
        cost,
        drift,
        levels,
        online_ranking,
        recommendations,
        safety,
        slo,
    )

    return [
        slo.SLO_CHECK,
        cost.COST_CHECK,
        levels.LEVELS_CHECK,
        accuracy.ACCURACY_CHECK,
        recommendations.RECOMMENDATIONS_CHECK,
        online_ranking.ONLINE_RANKING_CHECK,
        safety.SAFETY_CHECK,
        drift.DRIFT_CHECK,
    ]


SUITE = Suite(
    name="monitor",
    title="Monitoring over time: SLOs, accuracy on feedback and drift per window of the log",
    checks=_checks,
    applies=_applies,
    needs="[monitor]",
    tables=_tables,
    options=MonitorOptions,
    order=50,
)
