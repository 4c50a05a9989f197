"""The endpoint suite: the team's client of the given model endpoint, under faults."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sekit.checks.endpoint.options import EndpointOptions
from sekit.checks.suite import Suite

if TYPE_CHECKING:
    from sekit.checks.spec import CheckSpec
    from sekit.checks.table import Table
    from sekit.config.schema import Config


def _applies(config: Config, asked: bool) -> str | None:
    """It runs the team's client against a faulty stand-in of ``[model].endpoint``: with a
    ``[client]`` table and an endpoint."""
    from sekit.checks.endpoint.settings import Client

    if config.table(Client) is None:
        return "the config has no [client] table"
    if config.model is None or config.model.endpoint is None:
        return "the model is not an endpoint ([model].endpoint)"
    return None


def _tables() -> tuple[type[Table], ...]:
    from sekit.checks.endpoint.settings import Client

    return (Client,)


def _checks() -> list[CheckSpec]:
    """The checks, in report order (imported when listed or run)."""
    from sekit.checks.endpoint import faults

    return [
        faults.FAULTS_CHECK,
    ]


SUITE = Suite(
    name="endpoint",
    title="The endpoint's client: retries, back-off and fallbacks under 429s and time-outs",
    checks=_checks,
    applies=_applies,
    needs="[client] and [model].endpoint",
    tables=_tables,
    options=EndpointOptions,
    order=35,
)
