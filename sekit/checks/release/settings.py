"""``[release]``: how ``sekit check release`` compares the new model with the deployed one."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from sekit.checks.table import Table
from sekit.config.values import ProjectPath


class Release(Table):
    """``[release]``: the new model (``[model].path``) against the deployed one
    (``[model].baseline``), online, on the team's service (``sekit check release``)."""

    table = "release"

    mode: Literal["shadow", "canary", "ab"] = Field(
        "shadow",
        description="shadow: every request goes to both models; canary / ab: each request "
        "goes to one, the new model with probability weight",
    )
    weight: float | None = Field(
        None, gt=0, lt=1, description="share of traffic to the new model (canary 0.1, ab 0.5)"
    )
    prediction_field: str | None = Field(
        None,
        min_length=1,
        description="the answer's field that holds the prediction (default: [data].label)",
    )
    tolerance: float = Field(
        0.0,
        ge=0,
        description="regression: a relative difference of the two predictions up to this still "
        "counts as agreement (0: identical answers only)",
    )
    min_agreement: float = Field(
        0.9, ge=0, le=1, description="share of inputs on which both models must agree"
    )
    max_p95_ratio: float = Field(
        1.5, ge=1, description="the new model's p95 latency over the deployed model's"
    )
    latency_slack_ms: float = Field(
        20.0, ge=0, description="a p95 difference below this is never a latency regression"
    )
    max_error_rate: float | None = Field(
        None,
        ge=0,
        le=1,
        description="the new model's share of failed or fallback answers "
        "(default: [load].max_error_rate)",
    )
    max_accuracy_drop: float = Field(
        0.01,
        ge=0,
        description="accuracy points (classification) or relative MAE increase (regression) "
        "the new model may lose, overall and per slice, before a significant loss blocks",
    )
    max_slice_drop: float = Field(
        0.05, ge=0, description="the loss on one slice that blocks when its test says it is real"
    )
    slices: list[str] | None = Field(
        None,
        description="columns whose slices are compared (each category, each numeric quartile); "
        "default: the categorical features",
    )
    p_value: float = Field(
        0.05,
        gt=0,
        lt=1,
        description="level of the paired tests (McNemar; slices Holm-corrected) and of the "
        "latency interval",
    )
    labelled: ProjectPath | None = Field(
        None,
        description="labelled rows the two models are compared on (default: [data].test), "
        "e.g. the feedback store",
    )

    @model_validator(mode="after")
    def _weight_fits_mode(self) -> Release:
        if self.mode == "shadow" and self.weight is not None:
            raise ValueError(
                "weight applies to mode canary or ab; shadow sends every request to both models"
            )
        return self

    @property
    def share(self) -> float:
        """The candidate's share of traffic (canary, ab)."""
        if self.weight is not None:
            return self.weight
        return 0.5 if self.mode == "ab" else 0.1
