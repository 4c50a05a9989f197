"""The data checks: schema, quality, leakage and drift on ``[data]``'s datasets.

Each module of this package declares its checks in ``SPECS`` (:class:`~sekit.checks.spec.
CheckSpec`); importing the package registers them, and the Deepchecks engine's checks, in the
check registry. The Python API, :func:`sekit.data.check`, runs the same checks through the
runner on DataFrames.
"""

from __future__ import annotations

import sys

from sekit.checks import register
from sekit.checks.spec import CheckSpec, collect

DECLARED: list[CheckSpec] = collect(sys.modules[__name__])
SPECS: list[CheckSpec] = [s for s in DECLARED if s.engine == "native"]

for _spec in DECLARED:
    register(_spec)
