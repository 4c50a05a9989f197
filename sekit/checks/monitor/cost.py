"""``monitor.cost``: what the served requests cost, per request and per time window.

When ``[monitor.cost]`` prices requests, each logged request costs ``per_request`` plus, for
each field of ``per_1k``, its value times the price of 1,000 units (an LLM endpoint's prompt
and answer tokens, a paid API's credits). The check reports the mean cost per request and the
total over the log, and, with ``max_per_request``, judges each window's mean against it: a
window breaks the bound when its mean is credibly above it (one-sided one-sample t-test, Holm
over the windows; a window whose requests all cost the same breaks it exactly when above).

A request without a priced field is not priced (counted, and a warning), never priced at zero.
With ``max_per_request``, the bound is measured only when at most one request in a thousand is
unpriced (:func:`sekit.bounds.tolerated`): beyond that the unpriced requests could be the
expensive ones, and the check ends ``error``. A priced field the log never has is an input
error, not a zero cost; a negative or non-finite count is an invalid line
(:mod:`sekit.subjects.servedlog`), left out and counted, never a negative cost.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from sekit.bounds import measured_on
from sekit.checks.context import Context
from sekit.checks.findings import finding, outcome, percent, worst_summary
from sekit.checks.kinds import INVALID_LOG_LINES
from sekit.checks.monitor import served as sv
from sekit.checks.monitor.served import Point, Series
from sekit.checks.monitor.settings import Cost, Monitor
from sekit.checks.spec import CheckSpec, Kind, Metric
from sekit.errors import InputError
from sekit.results import Finding, Outcome, not_measured

if TYPE_CHECKING:
    import pandas as pd

METRIC = "monitor.cost_per_request"


def check_cost(ctx: Context) -> Outcome:
    monitor = sv.settings(ctx)
    if monitor.cost is None:
        return Outcome.skipped(
            reason="requests are not priced: add [monitor.cost] (per_request, per_1k)",
        )
    reason = sv.no_log_reason(ctx)
    if reason is not None:
        return Outcome.skipped(reason=reason)
    frame = sv.served(ctx)
    cost = monitor.cost
    prices = costs(frame, cost, source=frame.attrs["source"])
    priced = prices.dropna()
    unpriced = int(prices.isna().sum())
    line = windows(frame, prices, cost.max_per_request)
    findings: list[Finding] = []
    money = _money(cost)
    broken = line.judge(monitor.p_value)
    if broken:
        first = broken[0]
        assert first.value is not None and cost.max_per_request is not None
        findings.append(
            finding(
                COST,
                "fail",
                f"mean cost per request above {money(cost.max_per_request)} from the window "
                f"starting {first.start}: {money(first.value)} [95% {money(first.low)}, "
                f"{money(first.high)}] over {first.n} requests; {len(broken)} of "
                f"{len(line.points)} windows broke the bound (one-sided t-test, Holm over the "
                f"windows, p = {first.p_adjusted:.2g})",
                metric=METRIC,
                first_window=first.start,
                broken_windows=[p.start for p in broken],
                bound=cost.max_per_request,
            )
        )
    if unpriced:
        fields = ", ".join(cost.per_1k)
        told = (
            f"{unpriced} of {len(prices)} requests ({percent(unpriced / len(prices))}) have "
            f"no value for {fields}: they are not priced, so the cost is unknown for them"
        )
        if cost.max_per_request is not None and not measured_on(len(priced), len(prices)):
            findings.append(
                not_measured(
                    f"{frame.attrs['source']}: {told}; the bound (max_per_request = "
                    f"{cost.max_per_request:g}) is not measured",
                    metric="cost_per_request",
                    unpriced=unpriced,
                )
            )
        else:
            findings.append(finding(COST, "warn", told, unpriced=unpriced))
    findings += sv.invalid_lines(frame)
    mean = float(priced.mean()) if len(priced) else math.nan
    findings.append(
        finding(
            COST,
            "info",
            f"cost per request per {sv.span(monitor.window)} window",
            series={METRIC: line.shown()},
            currency=cost.currency,
        )
    )
    bound = f" (bound {money(cost.max_per_request)})" if cost.max_per_request else "; no bound"
    summary = worst_summary(
        findings,
        f"{money(mean)} per request over {len(priced)} requests, {money(float(priced.sum()))} "
        f"in all{bound}",
    )
    metrics = {
        "cost_per_request": mean,
        "cost_total": float(priced.sum()),
        "unpriced_requests": float(unpriced),
    }
    bounded = (
        {"cost_per_request": f"[monitor.cost].max_per_request = {cost.max_per_request:g}"}
        if cost.max_per_request is not None
        else None
    )
    return outcome(findings, summary, metrics, bounded=bounded)


def costs(frame: pd.DataFrame, cost: Cost, *, source: str) -> pd.Series:
    """Each request's cost (NaN where a priced field has no number)."""
    import pandas as pd

    total = pd.Series(cost.per_request, index=frame.index, dtype="float64")
    for field, price in cost.per_1k.items():
        if field not in frame.columns:
            raise InputError(
                source,
                f"no request has the field {field!r} that [monitor.cost].per_1k prices",
                key="monitor.cost.per_1k",
                hint="name a numeric field of the log (e.g. tokens_in) or drop the price",
            )
        values = pd.to_numeric(frame[field], errors="coerce")
        total = total + values * price / 1000
    return total


def windows(frame: pd.DataFrame, prices: pd.Series, bound: float | None) -> Series:
    """The mean cost per request of each window, with its t-interval and one-sided test."""
    from scipy import stats

    line = Series(METRIC, bound, "max")
    for start, rows in frame.groupby("_window", sort=True):
        values = prices[rows.index].dropna().to_numpy(dtype="float64")
        if not len(values):
            continue
        mean = float(values.mean())
        spread = float(values.std(ddof=1)) if len(values) > 1 else 0.0
        if spread == 0 or not math.isfinite(spread):
            low = high = mean
            p = 0.0 if bound is not None and mean > bound else 1.0
        else:
            error = spread / math.sqrt(len(values))
            half = float(stats.t.ppf(0.975, len(values) - 1)) * error
            low, high = mean - half, mean + half
            p = 1.0
            if bound is not None:
                p = float(stats.t.sf((mean - bound) / error, len(values) - 1))
        line.points.append(Point(sv.iso(start), len(values), mean, low, high, p))
    return line


def _money(cost: Cost) -> Callable[[float | None], str]:
    def shown(value: float | None) -> str:
        return "?" if value is None or not math.isfinite(value) else f"{value:.6g} {cost.currency}"

    return shown


# --- declarations ----------------------------------------------------------------------

COST = Kind(
    "cost",
    "the served requests cost more per request than the bound allows (or some were not priced)",
    (
        "A model that is accurate and fast can still be one nobody can afford to run: an LLM "
        "endpoint is paid per token, and a prompt that grew or a retry loop multiplies the "
        "bill. Cost per request is an SLO like latency, and production is where it is kept."
    ),
    (
        "Open the window the finding names in the log: which requests cost most (long inputs, "
        "long answers, retries), and did a prompt or a model change that day?"
    ),
    (
        "Shorten the prompt, cap the answer's tokens, cache repeated questions, use a smaller "
        "model for easy inputs, or raise the bound in [monitor.cost] with a reason."
    ),
    trust=(
        "Per window, a one-sided one-sample t-test of the mean cost per request against "
        "max_per_request, Holm over the windows (a window of equal costs is judged exactly): "
        "a period within the bound is reported at most [monitor].p_value of the time."
    ),
)

COST_CHECK = CheckSpec(
    id="monitor.cost",
    title="cost per served request per time window",
    func=check_cost,
    emits="`cost` (a window credibly above [monitor.cost].max_per_request: fail; requests "
    "that could not be priced: warn, or error with a bound when more than one in a "
    "thousand are); `invalid_log_lines` (warn)",
    kinds=(COST, INVALID_LOG_LINES),
    metrics=(
        Metric(
            METRIC,
            "mean cost of one served request over the log, in [monitor.cost].currency "
            "(per_request plus each per_1k field's value times its price per 1,000)",
            "Above the bound, the service costs more to run than the team planned.",
            "Read the windows that broke the bound; compare their prompts and answers.",
            "Shorter prompts, capped answers, a cache, a smaller model for easy inputs.",
            gate="max = 0.002",
        ),
        Metric(
            "monitor.cost_total",
            "cost of all priced requests of the log",
            "What the period cost: divided by its days, it is the budget the service uses.",
            "Compare with the budget the team planned.",
            "As for the cost per request, or fewer calls (batching, caching).",
        ),
        Metric(
            "monitor.unpriced_requests",
            "requests whose priced fields had no number in the log",
            "Above 0, the cost of some requests is unknown and the mean may flatter.",
            "Which requests lack the field: failed calls, another code path?",
            "Log the priced fields (the endpoint's usage) for every request.",
            gate="max = 0",
        ),
    ),
    settings=("[monitor.cost]", "[monitor].window"),
    section=("[monitor.cost]", Monitor),
)
