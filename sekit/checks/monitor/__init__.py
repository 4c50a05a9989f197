"""The monitor checks: the service as it ran, window by window.

``monitor.slo`` (availability, p95 latency, error rate), ``monitor.accuracy`` (the served
predictions against the feedback labels) and ``monitor.drift`` (served inputs and predictions
against training) read the prediction log (``[monitor].log``, default ``[data].production``),
the feedback store, and a Prometheus server when one is named. Each finding names the first
time window that broke its bound.
"""
