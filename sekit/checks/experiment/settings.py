"""``[experiment]``: how ``sekit check experiment`` reads an A/B or canary run from the log."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, field_validator

from sekit.checks.table import Table
from sekit.config.values import ProjectPath

# Metrics read from the feedback store rather than from a field of the log.
FEEDBACK_METRICS = ("accuracy", "absolute_error")
# Log fields where lower is better, when [experiment].better is not set.
LOWER_IS_BETTER = ("latency_ms", "cost", "cost_usd", "absolute_error", "tokens")


class Experiment(Table):
    """``[experiment]``: an A/B or canary run, read from the prediction log.

    Users are the unit: every user must see one arm only (sticky assignment), the users per
    arm must match the planned split (sample-ratio mismatch), and each user's mean of the
    metric is one observation, so a heavy user cannot outweigh the rest and requests of one user
    are never counted as independent."""

    table = "experiment"

    log: ProjectPath | None = Field(
        None,
        description="the prediction log, one JSON object per request "
        "(default: [monitor].log, else [data].production)",
    )
    feedback: ProjectPath | None = Field(
        None,
        description="the feedback store of true labels, for metric = accuracy or "
        "absolute_error (default: [monitor].feedback)",
    )
    arm: str = Field("arm", min_length=1, description="the log's field that names the arm")
    user: str = Field(
        "user_id", min_length=1, description="the log's field that names the user (the unit)"
    )
    control: str = Field(
        "control", min_length=1, description="the arm that every other arm is compared with"
    )
    weights: dict[str, float] | None = Field(
        None,
        description="the planned share of users per arm, e.g. { control = 0.9, canary = 0.1 } "
        "(default: equal shares of the arms in the log)",
    )
    metric: str = Field(
        "accuracy",
        min_length=1,
        description="accuracy or absolute_error (the served answer against the feedback), or "
        "a numeric or true/false field of the log (latency_ms, cost, converted, ...)",
    )
    better: Literal["higher", "lower"] | None = Field(
        None,
        description="which direction of the metric is better (default: lower for "
        "latency_ms, cost, tokens and absolute_error, else higher)",
    )
    guardrails: dict[str, Literal["higher", "lower"]] = Field(
        default_factory=dict,
        description="more metrics judged beside metric, each with the direction that is "
        'better, e.g. { cost = "lower", latency_ms = "lower" } (quality and cost together): '
        "every arm against the control on every metric, Holm over all of them "
        "(experiment.guardrails)",
    )
    min_effect: float | None = Field(
        None,
        gt=0,
        description="the smallest difference in the metric worth acting on: the power is "
        "computed for it, and an interval inside +-min_effect decides 'no difference'",
    )
    alpha: float = Field(
        0.05,
        gt=0,
        lt=0.5,
        description="the two-sided level of the difference test (Holm over the arms)",
    )
    power: float = Field(0.8, gt=0.5, lt=1, description="the power wanted against min_effect")
    srm_p: float = Field(
        0.001,
        gt=0,
        lt=0.5,
        description="a sample-ratio test p-value below this is a mismatch (a broken "
        "assignment); 0.001 is the usual threshold: a correct split is flagged once in 1000",
    )
    start: datetime | None = Field(
        None, description="the experiment's first moment (ISO 8601); earlier requests are out"
    )
    end: datetime | None = Field(
        None, description="the experiment's last moment (ISO 8601); later requests are out"
    )
    timestamp: str = Field("timestamp", min_length=1, description="the log's time field")
    prediction: str | None = Field(
        None,
        description="the log's prediction field (default: prediction if the log has it, else "
        "answer_ + [data].label, as the scaffold's service writes)",
    )
    request_id: str = Field("request_id", min_length=1, description="the log's request id field")

    @field_validator("weights")
    @classmethod
    def _shares(cls, value: dict[str, float] | None) -> dict[str, float] | None:
        if value is None:
            return None
        if len(value) < 2:
            raise ValueError("name at least two arms")
        if any(not share > 0 for share in value.values()):
            raise ValueError("every arm's share must be above 0")
        total = sum(value.values())
        return {arm: share / total for arm, share in value.items()}

    def lower_is_better(self) -> bool:
        if self.better is not None:
            return self.better == "lower"
        return self.metric in LOWER_IS_BETTER
