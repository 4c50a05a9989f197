"""The load checks: the team's real service under a real Locust run.

Each module of this package declares its checks in ``SPECS``; importing the package registers
them. :func:`run_worker` runs a Locust worker for a master started with
``sekit check load --master``.
"""

from __future__ import annotations

import sys

from sekit.checks import register
from sekit.checks.load.check import run_worker
from sekit.checks.spec import CheckSpec, collect

DECLARED: list[CheckSpec] = collect(sys.modules[__name__])
SPECS: list[CheckSpec] = [s for s in DECLARED if s.engine == "native"]

for _spec in DECLARED:
    register(_spec)

__all__ = ["SPECS", "run_worker"]
