"""``[[behaviour]]``: what the model must do beyond its accuracy, each kind a table. Tabular
models: invariance, directional, minimum; text models: template, edit (:mod:`.text`)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from sekit.config.text import Edit, Template
from sekit.config.values import ProjectPath, Section


class Invariance(Section):
    kind: Literal["invariance"] = Field(
        description="changing `feature` must not change the prediction"
    )
    feature: str = Field(description="the input feature the property varies")
    name: str | None = Field(None, description="a name for the property in the report")


class Directional(Section):
    kind: Literal["directional"] = Field(
        description="increasing `feature` must move `output` as `expect` says"
    )
    feature: str = Field(description="the input feature the property varies")
    expect: Literal["non-decreasing", "non-increasing"] = Field(
        description="how `output` must move when `feature` grows"
    )
    output: str = Field(
        "prediction",
        pattern=r"^(prediction|proba:.+)$",
        description='"prediction" or "proba:<class>"',
    )
    name: str | None = Field(None, description="a name for the property in the report")


class Minimum(Section):
    kind: Literal["minimum"] = Field(description="labelled cases the model must get right")
    cases: ProjectPath = Field(description="a CSV of the cases: the features and the label")
    min_accuracy: float = Field(
        1.0, ge=0, le=1, description="share of the cases that must be predicted right"
    )
    name: str | None = Field(None, description="a name for the property in the report")


Behaviour = Annotated[
    Invariance | Directional | Minimum | Template | Edit, Field(discriminator="kind")
]
