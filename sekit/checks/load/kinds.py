"""Finding kinds of the load suite that its checks' helpers and figures emit or read too:
declared here, below all of them, so that none imports a check module for its kind. A kind
only its own check uses is declared beside that check.
"""

from __future__ import annotations

from sekit.checks.spec import Kind

LATENCY = Kind(
    "latency",
    "a latency percentile above its bound",
    (
        "Users feel the tail, not the mean: the 95th or 99th percentile decides whether the "
        "service feels slow, and queues make tails grow fast under load."
    ),
    (
        "Look at the per-second history in the report: is latency high from the start (slow code) "
        "or growing (a queue: too little capacity)?"
    ),
    (
        "Profile one request; avoid blocking calls in async endpoints, load the model once, batch "
        "or cache; then add capacity."
    ),
)
ERROR_RATE = Kind(
    "error_rate",
    "too many requests failed",
    (
        "Failed requests are failed users; a few percent of errors under load usually means "
        "timeouts or exhausted resources."
    ),
    "Read the failure reasons in the finding and the service log (.sekit/service.log).",
    "Fix the errors the log shows; return 4xx for bad input, never 500.",
)
THROUGHPUT = Kind(
    "throughput",
    "fewer requests per second than required",
    ("If the service cannot serve the expected request rate, queues grow until requests time out."),
    "Compare the achieved rate with the required one and watch the latency history.",
    "Make each request cheaper, or run more workers or replicas.",
)
SERVICE_UNAVAILABLE = Kind(
    "service_unavailable",
    "the service never came up or died during the run",
    (
        "A service that does not start or dies under load is an outage, whatever the model's "
        "accuracy."
    ),
    "Read the last lines of .sekit/service.log that the finding shows.",
    (
        "Fix the start-up error (missing model file, import error, port), or the crash under load "
        "(memory, unhandled exceptions)."
    ),
)
INVALID_MEASUREMENT = Kind(
    "invalid_measurement",
    "the run measured the load generator, not the service",
    (
        "On a busy machine the load generator competes with the service for the cores: a "
        "starved generator sends late and reads answers late, and its delay lands in every "
        "latency it reports. A verdict from such a run would blame the model for the runner, or "
        "pass a service that was never loaded as asked; sekit says so instead (status error, "
        "which blocks like every error)."
    ),
    (
        "The finding names the reason (a generator that fell behind its schedule, used a whole "
        "CPU, or whose own delay could explain the excess over a bound) and keeps what was "
        "measured in its evidence, with the share of time the generator waited for a CPU."
    ),
    (
        "Rerun on a quieter machine or CI runner; run fewer jobs beside the load test (pytest "
        "workers, builds); spread the load over [load].processes; or lower [load].arrival_rate. "
        "Never loosen a latency bound to get past it."
    ),
)
NO_FALLBACK = Kind(
    "no_fallback",
    "the service fails, or waits, when its model fails",
    (
        "Models fail in production: a corrupt file, a missing feature, a slow dependency. A "
        "service that passes the failure on (errors) or waits for it (timeouts) turns one broken "
        "component into an outage; a marked fallback answer in time keeps the system usable "
        "and tells the caller the answer is degraded."
    ),
    (
        "Run `sekit check load --fault model-error` and `--fault model-slow` and read the "
        "finding: errors, latency, unmarked answers or a silent log. The service log is in "
        ".sekit/service-<fault>/service.log."
    ),
    (
        "Wrap the prediction: on an exception, or after a time budget below the latency bound "
        "(run the model in a thread and wait with a timeout), answer with a simple rule (the "
        "most frequent class, the median, or the previous model), mark the answer "
        '(`"fallback": true`), log it and count it.'
    ),
)
