"""What the service tells Prometheus, at ``GET /metrics`` (prometheus-client).

The names follow prometheus-fastapi-instrumentator, so dashboards and ``sekit check monitor
--prometheus`` read them like any instrumented FastAPI service:

* ``http_requests_total{handler, method, status}``: every request (``/metrics`` aside);
* ``http_request_duration_seconds{handler, method}``: a latency histogram whose buckets include
  the SLO bound (0.2 s, sekit.toml's ``load.p95_ms`` gate), so the share of slower requests is
  counted exactly;
* ``model_prediction_value``: a histogram of the predicted values;
* ``model_fallbacks_total``: answers given by the fallback rule;
* ``model_feedback_total`` and ``model_feedback_abs_error``: labels received, and a histogram
  of the served answers' absolute errors;
* ``model_info{version}``: the model being served (changes on ``/admin/reload``).

monitoring/ holds the scrape config, the alert rules that use them and a Grafana dashboard.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram, Info

HANDLERS = ("/predict", "/feedback", "/health", "/admin/reload")
SLO_SECONDS = 0.2
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, SLO_SECONDS, 0.3, 0.5, 1.0, 2.5, 5.0)

REQUESTS = Counter(
    "http_requests", "Requests by handler, method and status", ["handler", "method", "status"]
)
LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time from request to response, by handler",
    ["handler", "method"],
    buckets=BUCKETS,
)
PREDICTIONS = Histogram(
    "model_prediction_value",
    "Predicted values",
    buckets=(25, 50, 75, 100, 150, 200, 250, 300, 350),
)
FALLBACKS = Counter("model_fallbacks", "Answers given by the fallback rule")
FEEDBACK = Counter("model_feedback", "Feedback labels received")
ERROR = Histogram(
    "model_feedback_abs_error",
    "Absolute error of served answers that received a label",
    buckets=(5, 10, 25, 50, 75, 100, 150),
)
MODEL = Info("model", "The model being served")

# Series that exist before the first request: a counter that appears only with its first
# increment hides that increment from Prometheus's increase() and rate().
for _status in ("200", "422", "500"):
    REQUESTS.labels(handler="/predict", method="POST", status=_status)


def handler_of(path: str) -> str:
    """The route, or "other": unknown paths must not create a series each."""
    return path if path in HANDLERS else "other"


def observe(path: str, method: str, status: int, seconds: float) -> None:
    handler = handler_of(path)
    REQUESTS.labels(handler=handler, method=method, status=str(status)).inc()
    LATENCY.labels(handler=handler, method=method).observe(seconds)


def predicted(answer: dict[str, object], fallback: bool) -> None:
    PREDICTIONS.observe(float(answer["progression"]))  # type: ignore[arg-type]
    if fallback:
        FALLBACKS.inc()


def feedback(served: object, truth: object) -> None:
    """A label came back for a served answer."""
    FEEDBACK.inc()
    ERROR.observe(abs(float(served) - float(truth)))  # type: ignore[arg-type]


def serving(version: str) -> None:
    MODEL.info({"version": version})
