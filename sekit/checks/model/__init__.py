"""The model checks: quality, slices, baselines, the deployed model, and behaviour properties
(Hypothesis).

Each module of this package declares its checks in ``SPECS``; importing the package registers
them (and the Deepchecks engine's ``model_evaluation``).
"""

from __future__ import annotations

import sys

from sekit.checks import register
from sekit.checks.spec import CheckSpec, collect

DECLARED: list[CheckSpec] = collect(sys.modules[__name__])
SPECS: list[CheckSpec] = [s for s in DECLARED if s.engine == "native"]

for _spec in DECLARED:
    register(_spec)
