"""The model suite: quality, slices, baselines, fairness and behaviour properties."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sekit.checks.suite import Suite, checks_in

if TYPE_CHECKING:
    from sekit.config.schema import Config


def _applies(config: Config, asked: bool) -> str | None:
    return None if config.model is not None else "the config has no [model] table"


SUITE = Suite(
    name="model",
    title="Model tests: quality, slices, baselines, fairness and behaviour (Hypothesis)",
    checks=checks_in("sekit.checks.model"),
    applies=_applies,
    needs="[model]",
    order=20,
)
