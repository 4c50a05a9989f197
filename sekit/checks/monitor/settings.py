"""``[monitor]``: how ``sekit check monitor`` judges the service as it ran."""

from __future__ import annotations

from pydantic import Field, model_validator

from sekit.checks.table import Table
from sekit.config.values import Duration, ProjectPath, Section


class Cost(Section):
    """``[monitor.cost]``: what one served request costs, from a fixed price and the log's
    numeric fields (e.g. the tokens an LLM endpoint reports), so that the monitor reports cost
    per request and judges it per window."""

    per_request: float = Field(
        0.0, ge=0, description="a fixed price per request (hosting share, a paid API call)"
    )
    per_1k: dict[str, float] = Field(
        default_factory=dict,
        description="log field -> price of 1,000 of its units, e.g. { tokens_in = 0.5, "
        "tokens_out = 1.5 }",
    )
    max_per_request: float | None = Field(
        None, gt=0, description="the bound on the mean cost per request in a window"
    )
    currency: str = Field("USD", min_length=1, description="the prices' currency, for reports")

    @model_validator(mode="after")
    def _priced(self) -> Cost:
        if self.per_request == 0 and not any(self.per_1k.values()):
            raise ValueError("nothing is priced: set per_request or per_1k")
        if any(price < 0 for price in self.per_1k.values()):
            raise ValueError("per_1k: a price cannot be negative")
        return self


class Safety(Section):
    """``[monitor.safety]``: what the service must never serve (CMU's M4 "safety harm analysed
    with telemetry"): items (a recommender's blocked or age-restricted titles) and text
    patterns (an answer that gives out a secret, a slur, a medical dose), judged on every
    answered request of the log (monitor.safety)."""

    items: list[str] = Field(
        default_factory=list,
        description="item ids never to serve: an answered list holding one, or an answer "
        "equal to one, is unsafe",
    )
    patterns: list[str] = Field(
        default_factory=list,
        description="regular expressions (Python, case-insensitive) no answer's text may "
        "match, e.g. 'password\\s*[:=]'",
    )
    field: str | None = Field(
        None, description="the log's answer field (default: the prediction field)"
    )
    max_share: float = Field(
        0.0,
        ge=0,
        lt=1,
        description="the share of answers that may be unsafe; 0: any one fails. Above 0 the "
        "share is judged with a one-sided exact binomial test at [monitor].p_value",
    )

    @model_validator(mode="after")
    def _declared(self) -> Safety:
        import re

        if not self.items and not self.patterns:
            raise ValueError("nothing is declared unsafe: set items or patterns")
        for pattern in self.patterns:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(
                    f"patterns: {pattern!r} is not a regular expression ({error})"
                ) from error
        return self


class Levels(Section):
    """``[monitor.levels]``: service levels over a long window (CMU's project: at least 2,000
    requests, 70% of them answered over 72 hours, two model updates), from the served log.

    The log is cut into windows of this length backwards from its last request; every full
    window is judged, on all of its requests (an SLO over a fixed window is a statement about
    those requests, not a sample). A bound the log is too short to judge is not measured, which
    blocks."""

    window: Duration = Field(
        3 * 86400.0, gt=0, description="the length of one service-level window (72h)"
    )
    min_requests: int | None = Field(
        None, ge=1, description="requests the service must have answered or failed per window"
    )
    min_availability: float | None = Field(
        None, gt=0, le=1, description="share of a window's requests answered in time"
    )
    timeout: Duration | None = Field(
        None,
        gt=0,
        description="the client's timeout: an answer slower than this is a failure, as the "
        "client saw it (else only server errors and unanswered requests fail)",
    )
    min_updates: int | None = Field(
        None, ge=1, description="new model versions that must start serving in each window"
    )


class ServedLists(Section):
    """``[monitor.ranking]``: the lists a recommendation service served (its log's
    ``prediction`` is a JSON list of item ids, or text with them separated by commas)."""

    user: str = Field("user_id", min_length=1, description="the log's user field")
    max_user_requests: int | None = Field(
        None,
        ge=1,
        description="requests one user may make in one [monitor].window; more is a flood "
        "(request_flood, fail). Without it the busiest user is reported, not judged",
    )
    cold_start_llm: str | None = Field(
        None,
        min_length=1,
        description="the log's LLM usage field (e.g. tokens_out): every answered request of a "
        "user the training data never saw must carry a positive number in it, an answer a "
        "language model made (cold_start_without_llm, fail)",
    )
    min_cold_start_llm: float = Field(
        1.0,
        gt=0,
        le=1,
        description="the share of new users' answers that must carry LLM usage; below 1 it is "
        "judged with a one-sided exact binomial test at [monitor].p_value",
    )
    max_gini_increase: float | None = Field(
        None,
        gt=0,
        le=1,
        description="the most the served items' Gini may rise from the log's first "
        "[monitor].reference to its last, beyond what the two periods' volumes explain "
        "(permutation test); more is a feedback_loop (fail). Without it the rise is reported",
    )
    feedback: ProjectPath | None = Field(
        None,
        description="what users did after they were served (monitor.online_ranking): a CSV, "
        "Parquet or JSON-lines table of interactions with [model.ranking]'s user, item and "
        "timestamp columns (and relevance, with min_relevance), e.g. the stream's watch events",
    )
    horizon: Duration = Field(
        86400.0,
        gt=0,
        description="an item the user interacted with this long after a list was served is a "
        "hit of that list (lists served less than this before the last feedback wait)",
    )


class Monitor(Table):
    """``[monitor]``: the served requests per time window against their bounds (SLOs).

    Bounds left out are taken from the rest of the config: the p95 bound from
    ``[load].max_p95_ms`` or the ``load.p95_ms`` gate, the error rate from
    ``[load].max_error_rate``, the accuracy bound from the ``model.accuracy`` gate (``model.mae``
    for regression), drift from ``[data.drift]``. A bound that is nowhere is reported, not
    judged."""

    table = "monitor"

    log: ProjectPath | None = Field(
        None,
        description="the prediction log, one JSON object per request (default: [data].production)",
    )
    feedback: ProjectPath | None = Field(
        None,
        description="true labels of served requests: the scaffold's SQLite store (table "
        "feedback: request_id, label) or a CSV / JSON-lines file with request_id and the label",
    )
    prometheus: str | None = Field(
        None,
        description="a Prometheus server's URL (loopback); availability, latency, errors and "
        "feedback accuracy are then read from its HTTP API instead of the log",
    )
    job: str = Field(
        "model-service", min_length=1, description="the Prometheus job that scrapes the service"
    )
    window: Duration = Field(3600.0, gt=0, description="the length of one time window")
    period: Duration = Field(
        7 * 86400.0, gt=0, description="how far back a Prometheus server is read"
    )
    min_availability: float = Field(
        0.99, gt=0, le=1, description="share of requests (Prometheus: scrapes) answered"
    )
    max_p95_ms: float | None = Field(None, gt=0, description="the p95 latency bound per window")
    max_error_rate: float | None = Field(
        None, ge=0, le=1, description="share of requests that failed (5xx) or fell back"
    )
    min_accuracy: float | None = Field(
        None, ge=0, le=1, description="classification: accuracy on the requests with feedback"
    )
    max_mae: float | None = Field(
        None, gt=0, description="regression: mean absolute error on the requests with feedback"
    )
    reference: Duration = Field(
        86400.0,
        gt=0,
        description="the first windows of the period, this long, are the reference that "
        "accuracy (or the absolute error) of every later window is compared with: a drop is "
        "found with no bound set",
    )
    max_accuracy_drop: float = Field(
        0.05,
        gt=0,
        le=1,
        description="a window whose accuracy on feedback is this much below the reference's, "
        "credibly (Fisher's exact test, Holm over the windows), is an accuracy_drop",
    )
    max_mae_increase: float = Field(
        0.25,
        gt=0,
        description="regression: a window whose mean absolute error is this share above the "
        "reference's, credibly (one-sided Mann-Whitney U, Holm over the windows), is an "
        "accuracy_drop",
    )
    p_value: float = Field(
        0.05,
        gt=0,
        lt=1,
        description="the chance that a week within its bounds has any window reported, per "
        "metric (Holm over the windows)",
    )
    timestamp: str = Field("timestamp", min_length=1, description="the log's time field")
    latency: str = Field("latency_ms", min_length=1, description="the log's latency field (ms)")
    status: str = Field("status", min_length=1, description="the log's HTTP status field")
    prediction: str | None = Field(
        None,
        description="the log's prediction field (default: prediction if the log has it, else "
        "answer_ + [data].label, as the scaffold's service writes)",
    )
    fallback: str = Field(
        "answer_fallback", min_length=1, description="the log's fallback mark field"
    )
    request_id: str = Field("request_id", min_length=1, description="the log's request id field")
    cost: Cost | None = Field(None, description="what a request costs (monitor.cost)")
    safety: Safety | None = Field(
        None, description="what the service must never serve (monitor.safety)"
    )
    levels: Levels | None = Field(
        None, description="service levels over a long window (monitor.levels)"
    )
    ranking: ServedLists | None = Field(
        None,
        description="a recommendation service's lists (monitor.recommendations; on by "
        '[model].task = "ranking")',
    )
