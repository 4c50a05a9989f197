"""The model checks: quality, slices, baselines, and behaviour properties (Hypothesis).

Importing this package registers them (and the Deepchecks engine's ``model_evaluation``).
"""

from __future__ import annotations

from typing import Any

from sekit.checks import FunctionCheck, register
from sekit.checks.model.behaviour import check_behaviour
from sekit.checks.model.quality import (
    check_previous,
    check_quality,
    check_simple_baseline,
    check_slices,
    needs_labelled_test,
    needs_previous,
)


def _always(config: Any) -> str | None:
    return None


register(
    FunctionCheck(
        id="model.quality",
        suite="model",
        title="quality on the test set",
        func=check_quality,
        requires=needs_labelled_test,
    )
)
register(
    FunctionCheck(
        id="model.slices",
        suite="model",
        title="no weak slices",
        func=check_slices,
        requires=needs_labelled_test,
    )
)
register(
    FunctionCheck(
        id="model.simple_baseline",
        suite="model",
        title="beats constant and linear baselines",
        func=check_simple_baseline,
        requires=needs_labelled_test,
    )
)
register(
    FunctionCheck(
        id="model.previous",
        suite="model",
        title="no worse than the deployed model",
        func=check_previous,
        requires=needs_previous,
    )
)
register(
    FunctionCheck(
        id="model.behaviour",
        suite="model",
        title="behaviour properties (Hypothesis)",
        func=check_behaviour,
        requires=_always,
    )
)

from sekit.checks.model import deepchecks_engine as _deepchecks_engine  # noqa: E402, F401
