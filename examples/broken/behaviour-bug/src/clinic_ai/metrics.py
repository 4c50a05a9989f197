"""What the service tells Prometheus, at ``GET /metrics`` (prometheus-client).

The names follow prometheus-fastapi-instrumentator, so dashboards and ``sekit check monitor
--prometheus`` read them like any instrumented FastAPI service:

* ``http_requests_total{handler, method, status}``: every request (``/metrics`` aside);
* ``http_request_duration_seconds{handler, method}``: a latency histogram whose buckets include
  the SLO bound (0.2 s, sekit.toml's ``load.p95_ms`` gate), so the share of slower requests is
  counted exactly;
* ``model_predictions_total{label}``: answers by class (a shift shows before any label does);
* ``model_fallbacks_total``: answers given by the fallback rule;
* ``model_feedback_total`` and ``model_feedback_correct_total``: labels received, and those
  that agreed with the served answer (online accuracy = correct / total);
* ``model_info{version}``: the model being served (changes on ``/admin/reload``).

monitoring/ holds the scrape config, the alert rules that use them and a Grafana dashboard.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram, Info

from clinic_ai.config import CLASSES

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
PREDICTIONS = Counter("model_predictions", "Answers by predicted class", ["label"])
FALLBACKS = Counter("model_fallbacks", "Answers given by the fallback rule")
FEEDBACK = Counter("model_feedback", "Feedback labels received")
CORRECT = Counter("model_feedback_correct", "Feedback labels that agreed with the served answer")
MODEL = Info("model", "The model being served")

# Series that exist before the first request: a counter that appears only with its first
# increment hides that increment from Prometheus's increase() and rate().
for _status in ("200", "422", "500"):
    REQUESTS.labels(handler="/predict", method="POST", status=_status)
for _label in CLASSES:
    PREDICTIONS.labels(label=_label)


def handler_of(path: str) -> str:
    """The route, or "other": unknown paths must not create a series each."""
    return path if path in HANDLERS else "other"


def observe(path: str, method: str, status: int, seconds: float) -> None:
    handler = handler_of(path)
    REQUESTS.labels(handler=handler, method=method, status=str(status)).inc()
    LATENCY.labels(handler=handler, method=method).observe(seconds)


def predicted(answer: dict[str, object], fallback: bool) -> None:
    PREDICTIONS.labels(label=str(answer["diagnosis"])).inc()
    if fallback:
        FALLBACKS.inc()


def feedback(served: object, truth: object) -> None:
    """A label came back for a served answer."""
    FEEDBACK.inc()
    if str(served) == str(truth):
        CORRECT.inc()


def serving(version: str) -> None:
    MODEL.info({"version": version})
