"""Reading the service's SLOs from a Prometheus server (its HTTP API, ``/api/v1/query_range``).

The metric names are the scaffold's (``src/<package>/metrics.py``), chosen to match
prometheus-fastapi-instrumentator, so that a team's own FastAPI service instrumented with it
is read the same way:

* ``http_requests_total{handler, status}`` and ``http_request_duration_seconds`` (a histogram)
  for the ``[service].endpoint`` handler (default ``/predict``);
* ``model_fallbacks_total``; ``model_feedback_total`` and ``model_feedback_correct_total``;
* ``up{job="<[monitor].job>"}``, which Prometheus writes for every scrape.

Each window's counts are ``increase(...[window])`` evaluated at the window's end (rounded to
whole requests), so the same exact tests as for the log apply: availability is the share of
scrapes that found the service up; the p95 bound is tested on the requests slower than the
largest histogram bucket edge at or below the bound (the scaffold has a bucket at the bound;
an edge below it counts more requests as slow, so the test can only be stricter), and the
p95 value shown is ``histogram_quantile`` of the window's buckets.
"""

from __future__ import annotations

import math
from typing import Any

from sekit.checks.context import Context
from sekit.checks.monitor import served as sv
from sekit.checks.monitor.served import Point, Series
from sekit.errors import ServiceError


class Prometheus:
    def __init__(self, url: str, timeout: float = 10.0, *, allow_remote: bool = False) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.allow_remote = allow_remote

    def _get(self, path: str, params: dict[str, Any]) -> Any:
        import httpx

        from sekit.net import http

        try:
            response = http.get(
                f"{self.url}{path}",
                params=params,
                timeout=self.timeout,
                allow_remote=self.allow_remote,
            )
        except httpx.HTTPError as exc:
            raise ServiceError(
                f"cannot reach Prometheus at {self.url}: {exc}",
                hint="is it running? [monitor].prometheus / --prometheus names its URL",
            ) from None
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code != 200 or body.get("status") != "success":
            raise ServiceError(
                f"Prometheus at {self.url} refused {params.get('query', path)!r}: "
                f"{body.get('error', response.status_code)}"
            )
        return body["data"]

    def now(self) -> float:
        data = self._get("/api/v1/query", {"query": "time()"})
        return float(data["result"][1])

    def range(self, query: str, start: float, end: float, step: float) -> dict[float, float]:
        """time -> value of the (single-series) query; the series summed when there are more."""
        data = self._get(
            "/api/v1/query_range", {"query": query, "start": start, "end": end, "step": step}
        )
        values: dict[float, float] = {}
        for series in data["result"]:
            for moment, value in series["values"]:
                number = float(value)
                if math.isfinite(number):
                    values[float(moment)] = values.get(float(moment), 0.0) + number
        return values

    def label_values(self, name: str, label: str, match: str) -> list[str]:
        data = self._get("/api/v1/series", {"match[]": match})
        return sorted({s[label] for s in data if s.get("__name__") == name and label in s})


def slo_series(
    ctx: Context, url: str, limits: dict[str, float | None]
) -> tuple[dict[str, Series], dict[str, float], str]:
    from sekit import stats

    monitor = sv.settings(ctx)
    client = Prometheus(url, allow_remote=ctx.options.allow_remote)
    window = monitor.window
    step = f"{int(window)}s"
    end = client.now()
    end = math.floor(end / window) * window
    start = max(end - monitor.period, window)
    job = f'job="{monitor.job}"'
    endpoint = ctx.config.service.endpoint if ctx.config.service is not None else "/predict"
    handler = f'{job},handler="{endpoint}"'

    def counts(query: str) -> dict[float, int]:
        return {t: round(v) for t, v in client.range(query, start, end, window).items()}

    scrapes = counts(f"count_over_time(up{{{job}}}[{step}])")
    ups = counts(f"sum_over_time(up{{{job}}}[{step}])")
    requests = counts(f"sum(increase(http_requests_total{{{handler}}}[{step}]))")
    failed = counts(f'sum(increase(http_requests_total{{{handler},status=~"5.*"}}[{step}]))')
    fallbacks = counts(f"sum(increase(model_fallbacks_total{{{job}}}[{step}]))")
    availability = Series("monitor.availability", limits["availability"], "min")
    errors = Series("monitor.error_rate", limits["error_rate"], "max")
    p95 = Series("monitor.p95_ms", limits["p95_ms"], "max")
    for moment in sorted(scrapes):
        n, up = scrapes[moment], min(ups.get(moment, 0), scrapes[moment])
        if n:
            low, high = stats.wilson(up, n)
            limit = availability.bound or 1.0
            availability.points.append(
                Point(_start(moment, window), n, up / n, low, high, sv.above(n - up, n, 1 - limit))
            )
    for moment in sorted(requests):
        n = requests[moment]
        if n <= 0:
            continue
        bad = min(n, failed.get(moment, 0) + fallbacks.get(moment, 0))
        low, high = stats.wilson(bad, n)
        limit = errors.bound if errors.bound is not None else 1.0
        errors.points.append(
            Point(_start(moment, window), n, bad / n, low, high, sv.above(bad, n, limit))
        )
    buckets = f"http_request_duration_seconds_bucket{{{handler}}}"
    quantiles = client.range(
        f"histogram_quantile(0.95, sum by (le) (increase({buckets}[{step}])))", start, end, window
    )
    edge = _edge(client, buckets, p95.bound)
    answered = counts(f"sum(increase(http_request_duration_seconds_count{{{handler}}}[{step}]))")
    fast = counts(f'sum(increase({buckets[:-1]},le="{edge}"}}[{step}]))') if edge else {}
    for moment in sorted(answered):
        n = answered[moment]
        if n <= 0 or moment not in quantiles:
            continue
        slow = max(0, n - fast.get(moment, n)) if edge else 0
        p95.points.append(
            Point(
                _start(moment, window), n, quantiles[moment] * 1000, p_value=sv.above(slow, n, 0.05)
            )
        )
    totals: dict[str, float] = {"requests": float(sum(requests.values()))}
    if scrapes:
        totals["availability"] = sum(min(ups.get(t, 0), n) for t, n in scrapes.items()) / max(
            1, sum(scrapes.values())
        )
    if totals["requests"]:
        bad = sum(failed.values()) + sum(fallbacks.values())
        totals["error_rate"] = min(1.0, bad / totals["requests"])
    whole = client.range(
        f"histogram_quantile(0.95, sum by (le) (increase({buckets}[{int(end - start)}s])))",
        end,
        end,
        window,
    )
    if whole:
        totals["p95_ms"] = next(iter(whole.values())) * 1000
    found = {s.metric: s for s in (availability, p95, errors) if s.points}
    return found, totals, f"Prometheus {client.url}"


def feedback_counts(ctx: Context, url: str) -> list[tuple[str, int, int]]:
    """(window start, labelled, right) per window from the feedback counters."""
    monitor = sv.settings(ctx)
    client = Prometheus(url, allow_remote=ctx.options.allow_remote)
    window = monitor.window
    end = math.floor(client.now() / window) * window
    start = max(end - monitor.period, window)
    step = f"{int(window)}s"
    job = f'job="{monitor.job}"'
    total = client.range(
        f"sum(increase(model_feedback_total{{{job}}}[{step}]))", start, end, window
    )
    right = client.range(
        f"sum(increase(model_feedback_correct_total{{{job}}}[{step}]))", start, end, window
    )
    return [
        (_start(t, window), round(n), min(round(n), round(right.get(t, 0.0))))
        for t, n in sorted(total.items())
        if round(n) > 0
    ]


def _edge(client: Prometheus, buckets: str, bound_ms: float | None) -> str | None:
    """The largest bucket edge (a label value) at or below the bound."""
    if bound_ms is None:
        return None
    edges = []
    for value in client.label_values("http_request_duration_seconds_bucket", "le", buckets):
        try:
            seconds = float(value)
        except ValueError:
            continue
        if seconds * 1000 <= bound_ms + 1e-9:
            edges.append((seconds, value))
    return max(edges)[1] if edges else None


def _start(moment: float, window: float) -> str:
    from datetime import UTC, datetime

    return sv.iso(datetime.fromtimestamp(moment - window, tz=UTC))
