"""The release suite: the new model against the deployed one, online, before it replaces it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sekit.checks.suite import Suite

if TYPE_CHECKING:
    from sekit.checks.spec import CheckSpec
    from sekit.checks.table import Table
    from sekit.config.schema import Config


def _applies(config: Config, asked: bool) -> str | None:
    """It starts two services and runs a second load test, so a plain ``sekit check`` runs it
    only with a ``[release]`` table; named (``sekit check release``) it runs with the table's
    defaults on any ``[model]``. Its comparisons are of labels and numbers: not of ranked
    lists."""
    from sekit.checks.release.settings import Release

    if config.model is not None and config.model.task == "ranking":
        return "a ranking model: the release suite compares labels and numbers, not lists"
    if asked:
        return None if config.model is not None else "the config has no [model] table"
    return None if config.table(Release) is not None else "the config has no [release] table"


def _tables() -> tuple[type[Table], ...]:
    from sekit.checks.release.settings import Release

    return (Release,)


def _checks() -> list[CheckSpec]:
    """The checks, in report order (imported when listed or run)."""
    from sekit.checks.release import accuracy, online

    return [
        online.ONLINE_CHECK,
        accuracy.ACCURACY_CHECK,
    ]


SUITE = Suite(
    name="release",
    title="Release: the new model beside the deployed one on the real service",
    checks=_checks,
    applies=_applies,
    needs="[model]",
    tables=_tables,
    targets=2,
    order=40,
)
