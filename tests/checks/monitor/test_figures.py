"""The monitor's pictures band exactly the windows its findings name."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sekit.checks.context import Context
from sekit.checks.monitor.figures import SloWindows, figures_of
from sekit.checks.monitor.slo import check_slo
from tests.checks.monitor.test_week import monitored as monitored  # the fixture
from tests.report.svgread import red_bands

pytestmark = pytest.mark.slow  # simulated weeks of traffic


METRIC_OF = {
    "latency": "monitor.p95_ms",
    "availability": "monitor.availability",
    "error_rate": "monitor.error_rate",
}


@pytest.mark.parametrize("fault", [None, "latency", "outage", "fallback"])
def test_red_bands_are_the_reported_windows(
    monitored: Callable[..., Context], fault: str | None
) -> None:
    result = check_slo(monitored(fault))
    drawn = {f.name: red_bands(f.svg) for f in figures_of(SloWindows)(result, {})}
    reported = dict.fromkeys(drawn, 0)
    for finding in result.findings:
        if finding.severity.value == "fail" and finding.kind in METRIC_OF:
            reported[f"over_time_{METRIC_OF[finding.kind]}"] = len(
                finding.evidence["broken_windows"]
            )
    assert drawn == reported
    assert (sum(drawn.values()) > 0) == (fault is not None)
