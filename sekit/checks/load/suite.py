"""The load suite: the team's real service under a real Locust run, and its fallback."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sekit.checks.load.options import LoadOptions
from sekit.checks.suite import Suite

if TYPE_CHECKING:
    from sekit.checks.context import RunOptions
    from sekit.checks.spec import CheckSpec
    from sekit.config.schema import Config


def _applies(config: Config, asked: bool) -> str | None:
    if config.service is not None or config.load.locustfile is not None:
        return None
    return "the config has no [service] table"


def _worker(config: Config, options: RunOptions) -> int | None:
    chosen = options.of(LoadOptions)
    if not chosen.worker:
        return None
    from sekit.checks.load.check import run_worker

    return run_worker(
        config,
        master_host=chosen.master_host,
        master_port=chosen.master_port,
        allow_remote=options.allow_remote,
    )


def _checks() -> list[CheckSpec]:
    """The checks, in report order (imported when listed or run)."""
    from sekit.checks.load import check, fallback, malformed

    return [
        check.LOCUST_CHECK,
        fallback.FALLBACK_CHECK,
        malformed.MALFORMED_CHECK,
    ]


SUITE = Suite(
    name="load",
    title="Load tests: the service under a real Locust run, and its fallback under faults",
    checks=_checks,
    applies=_applies,
    needs="[service]",
    options=LoadOptions,
    targets=1,
    instead=_worker,
    order=30,
)
