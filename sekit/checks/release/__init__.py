"""The release checks: the new model against the deployed one before it replaces it.

``release.online`` starts the team's service twice (once per model, ``SEKIT_MODEL_PATH``) and
sends real Locust traffic to both, as a shadow deployment or a canary / A/B split;
``release.accuracy`` compares the two models on the same labelled rows with paired tests. The
report says **promote** or **roll back** (:func:`decision`).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from sekit.checks import register
from sekit.checks.spec import CheckSpec, collect

DECLARED: list[CheckSpec] = collect(sys.modules[__name__])
SPECS: list[CheckSpec] = [s for s in DECLARED if s.engine == "native"]

for _spec in DECLARED:
    register(_spec)


def decision(checks: Sequence[Any], gates: Sequence[Any]) -> dict[str, Any] | None:
    """Promote or roll back, and why: ``None`` when no release check ran.

    Roll back when a release check failed or errored, or a gate on a ``release.*`` metric
    missed its bound (an unmeasured release is never promoted); promote otherwise."""
    from sekit.results import Severity, Status

    ran = [c for c in checks if c.suite == "release" and c.status is not Status.SKIPPED]
    if not ran:
        return None
    reasons: list[str] = []
    for check in ran:
        if check.status is Status.ERROR:
            reasons.append(f"{check.id} could not measure: {check.summary}")
        reasons += [
            f"{f.kind}: {f.message}"
            for f in check.findings
            if f.severity is Severity.FAIL and f.kind != "check_error"
        ]
    reasons += [
        f"gate {g.metric} {g.bound}: {g.value if g.value is not None else 'not measured'}"
        for g in gates
        if g.metric.startswith("release.") and not g.passed
    ]
    if reasons:
        return {"decision": "roll back", "reasons": reasons}
    shown = [c.summary for c in ran]
    return {"decision": "promote", "reasons": shown}


__all__ = ["SPECS", "decision"]
