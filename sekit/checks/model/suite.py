"""The model suite: quality, slices, baselines, fairness and behaviour properties."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sekit.checks.suite import Suite

if TYPE_CHECKING:
    from sekit.checks.spec import CheckSpec
    from sekit.config.schema import Config


def _applies(config: Config, asked: bool) -> str | None:
    return None if config.model is not None else "the config has no [model] table"


def _checks() -> list[CheckSpec]:
    """The checks, in report order (imported when listed or run)."""
    from sekit.checks.model import (
        baselines,
        budget,
        deepchecks_engine,
        fairness,
        footprint,
        previous,
        quality,
        slices,
        training_cost,
    )
    from sekit.checks.model.behaviour import check as behaviour
    from sekit.checks.model.llm import contract, injection
    from sekit.checks.model.ranking import behaviour as ranking_behaviour
    from sekit.checks.model.ranking import quality as ranking
    from sekit.checks.model.text import check as text

    return [
        quality.QUALITY_CHECK,
        ranking.RANKING_CHECK,
        slices.SLICES_CHECK,
        baselines.SIMPLE_BASELINE_CHECK,
        ranking.RANKING_BASELINE_CHECK,
        previous.PREVIOUS_CHECK,
        fairness.FAIRNESS_CHECK,
        behaviour.BEHAVIOUR_CHECK,
        ranking_behaviour.RANKING_BEHAVIOUR_CHECK,
        text.TEXT_BEHAVIOUR_CHECK,
        injection.INJECTION_CHECK,
        footprint.FOOTPRINT_CHECK,
        training_cost.TRAINING_COST_CHECK,
        contract.CONTRACT_CHECK,
        budget.ENDPOINT_CHECK,
        deepchecks_engine.DEEPCHECKS_EVALUATION_CHECK,
    ]


SUITE = Suite(
    name="model",
    title="Model tests: quality, slices, baselines, fairness and behaviour (Hypothesis)",
    checks=_checks,
    applies=_applies,
    needs="[model]",
    order=20,
)
