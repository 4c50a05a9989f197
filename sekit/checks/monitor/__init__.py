"""The monitor checks: the service as it ran, window by window.

``monitor.slo`` (availability, p95 latency, error rate), ``monitor.accuracy`` (the served
predictions against the feedback labels) and ``monitor.drift`` (served inputs and predictions
against training) read the prediction log (``[monitor].log``, default ``[data].production``),
the feedback store, and a Prometheus server when one is named. Each finding names the first
time window that broke its bound.
"""

from __future__ import annotations

import sys

from sekit.checks import register
from sekit.checks.spec import CheckSpec, collect

DECLARED: list[CheckSpec] = collect(sys.modules[__name__])
SPECS: list[CheckSpec] = [s for s in DECLARED if s.engine == "native"]

for _spec in DECLARED:
    register(_spec)

__all__ = ["SPECS"]
