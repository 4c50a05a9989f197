"""``monitor.cost``: the cost per served request from a fixed price and the log's token fields.

A simulated week of an LLM-backed service (prompt and answer tokens lognormal, a daily
traffic cycle): a clean week keeps the bound; a prompt that triples from a known hour on is
found in that hour, never before; requests without the priced fields are counted and warned
about, never priced at zero; a field the log never has is an input error; no prices, no check.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sekit.checks.context import Context
from sekit.checks.monitor.cost import check_cost
from sekit.config.schema import Config
from sekit.errors import InputError
from sekit.results import Status
from tests.checks.monitor.week import MONDAY, hour_start

START = 80  # Thursday 08:00
PRICES = """[monitor]
log = "requests.jsonl"
window = "1h"
[monitor.cost]
per_request = 0.00002
per_1k = { tokens_in = 0.0005, tokens_out = 0.0015 }
max_per_request = 0.0006
"""


def llm_week(
    root: Path,
    *,
    grow: float = 1.0,
    start: int = START,
    seed: int = 0,
    missing: float = 0.0,
    days: int = 7,
) -> None:
    """A week of requests; from hour ``start`` the prompt is ``grow`` times longer. Mean cost
    per request: 0.00002 + 400 * 0.0005/1000 + 150 * 0.0015/1000 = 0.000445 USD."""
    rng = np.random.default_rng(seed)
    lines = []
    for hour in range(days * 24):
        n = int(rng.poisson(100 + 50 * np.sin((hour % 24 - 8) / 24 * 2 * np.pi)))
        factor = grow if hour >= start else 1.0
        # lognormal with mean 400 (prompt) and 150 (answer) tokens, sigma 0.5
        tokens_in = rng.lognormal(np.log(400) - 0.125, 0.5, n) * factor
        tokens_out = rng.lognormal(np.log(150) - 0.125, 0.5, n)
        for i in range(n):
            when = MONDAY + timedelta(hours=hour, seconds=float(rng.uniform(0, 3600)))
            line: dict[str, Any] = {
                "timestamp": when.isoformat().replace("+00:00", "Z"),
                "request_id": f"r{len(lines)}",
                "status": 200,
                "latency_ms": 800.0,
            }
            if rng.random() >= missing:
                line["tokens_in"] = int(tokens_in[i])
                line["tokens_out"] = int(tokens_out[i])
            lines.append(json.dumps(line))
    (root / "requests.jsonl").write_text("\n".join(lines) + "\n")


@pytest.fixture
def priced(project: Callable[..., Config], clean: Any, tmp_path: Path) -> Callable[..., Context]:
    def make(prices: str = PRICES, **week: Any) -> Context:
        config = project(clean, behaviour="", extra=prices)
        llm_week(tmp_path, **week)
        return Context(config)

    return make


def test_a_clean_week_keeps_the_cost_bound(priced: Callable[..., Context]) -> None:
    ctx = priced()
    result = check_cost(ctx)
    assert result.status is Status.PASS, result.summary
    assert result.metrics["cost_per_request"] == pytest.approx(0.000445, rel=0.03)
    assert result.metrics["unpriced_requests"] == 0
    requests = len((ctx.config.root / "requests.jsonl").read_text().splitlines())
    mean = result.metrics["cost_per_request"]
    assert result.metrics["cost_total"] == pytest.approx(mean * requests)
    [info] = [f for f in result.findings if f.severity.value == "info"]
    assert len(info.evidence["series"]["monitor.cost_per_request"]["points"]) == 7 * 24


def test_a_prompt_that_grows_is_found_in_the_hour_it_started(
    priced: Callable[..., Context],
) -> None:
    result = check_cost(priced(grow=3.0))
    assert result.status is Status.FAIL
    [fail] = [f for f in result.findings if f.severity.value == "fail"]
    assert fail.kind == "cost"
    assert fail.evidence["first_window"] == hour_start(START)
    assert min(fail.evidence["broken_windows"]) >= hour_start(START)
    assert "one-sided t-test, Holm" in fail.message


def test_unpriced_requests_are_counted_and_warned_never_priced_at_zero(
    priced: Callable[..., Context],
) -> None:
    unbounded = PRICES.replace("max_per_request = 0.0006\n", "")
    full = check_cost(priced(unbounded))
    holes = check_cost(priced(unbounded, missing=0.3))
    assert holes.status is Status.WARN
    metrics = holes.metrics
    priced_requests = metrics["cost_total"] / metrics["cost_per_request"]
    share = metrics["unpriced_requests"] / (metrics["unpriced_requests"] + priced_requests)
    assert 0.25 < share < 0.35
    # the mean is over the priced requests: it does not fall by the unpriced share
    assert holes.metrics["cost_per_request"] == pytest.approx(
        full.metrics["cost_per_request"], rel=0.05
    )
    # with a bound, a third of the requests unpriced leaves the bound unmeasured: error
    bounded = check_cost(priced(missing=0.3))
    assert bounded.status is Status.ERROR
    [unmeasured] = [f for f in bounded.findings if f.kind == "check_error"]
    assert unmeasured.evidence["cause"] == "unmeasured"
    assert "not measured" in bounded.summary


def test_a_fixed_price_above_the_bound_breaks_every_window(
    priced: Callable[..., Context],
) -> None:
    prices = '[monitor]\nlog = "requests.jsonl"\n[monitor.cost]\nper_request = 0.01\n'
    prices += "max_per_request = 0.005\n"
    result = check_cost(priced(prices, days=1))
    [fail] = [f for f in result.findings if f.severity.value == "fail"]
    assert len(fail.evidence["broken_windows"]) == 24
    assert result.metrics["cost_per_request"] == pytest.approx(0.01)


def test_a_priced_field_the_log_never_has_is_an_input_error(
    priced: Callable[..., Context],
) -> None:
    prices = PRICES.replace("tokens_out", "completion_tokens")
    with pytest.raises(InputError, match="completion_tokens"):
        check_cost(priced(prices, days=1))


def test_without_prices_the_check_is_skipped(priced: Callable[..., Context]) -> None:
    result = check_cost(priced('[monitor]\nlog = "requests.jsonl"\n', days=1))
    assert result.status is Status.SKIPPED
    assert "[monitor.cost]" in result.summary
