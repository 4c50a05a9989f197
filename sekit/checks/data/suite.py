"""The data suite: schema, quality, leakage and drift on ``[data]``'s datasets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sekit.checks.suite import Suite, checks_in

if TYPE_CHECKING:
    from sekit.config.schema import Config


def _applies(config: Config, asked: bool) -> str | None:
    if config.data is None:
        return "the config has no [data] table"
    if config.data.train is None:
        return "the config names no training data ([data].train): a given model's inputs"
    return None


SUITE = Suite(
    name="data",
    title="Data tests: schema, quality, leakage and drift of the datasets",
    checks=checks_in("sekit.checks.data"),
    applies=_applies,
    needs="[data]",
    order=10,
)
