"""The keys of ``[model]`` for a model sekit can only call: an HTTP endpoint (SPEC turn 3).

``endpoint`` replaces ``path``: every model check then calls the endpoint instead of a loaded
model. Secrets never live in the config: ``headers`` values name environment variables
(``"env:ENDPOINT_TOKEN"``), and a literal value is an error.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from sekit.config.text import TextBehaviour
from sekit.config.values import Duration, ProjectPath, Section

ENV = re.compile(r"^env:[A-Za-z_][A-Za-z0-9_]*$")


def _from_environment(headers: dict[str, str]) -> dict[str, str]:
    for name, value in headers.items():
        if not ENV.match(value):
            raise ValueError(
                f'header {name!r}: write "env:VARIABLE" and set the variable; a secret in '
                "sekit.toml ends up in the repository"
            )
    return headers


class Prices(Section):
    """``[model.prices]``: what one call costs, from the tokens the answer reports."""

    input_per_1k: float = Field(0.0, ge=0, description="price of 1,000 prompt tokens")
    output_per_1k: float = Field(0.0, ge=0, description="price of 1,000 answer tokens")
    currency: str = Field("USD", min_length=1, description="the prices' currency, for reports")


class Endpoint(Section):
    """The keys of ``[model]`` that describe an endpoint."""

    endpoint: str | None = Field(
        None,
        pattern=r"^https?://",
        description="the URL of a model sekit can only call (instead of path); loopback "
        "unless sekit runs with --allow-remote",
    )
    command: str | None = Field(
        None,
        description="starts a stand-in of the endpoint for the run, on loopback: {port} is a "
        "free port, also put into endpoint (e.g. an offline model the scaffold ships)",
    )
    health: str = Field(
        "/health", pattern=r"^/", description="the stand-in answers < 400 here once it is up"
    )
    protocol: Literal["rest", "openai"] = Field(
        "rest",
        description="rest: a JSON body with the input field; openai: chat completions (the "
        "prompt filled with the input, the answer read from the message)",
    )
    input: str = Field(
        "text",
        min_length=1,
        description='the request field and the data column it comes from; "*" sends the '
        "row's feature columns as one JSON object (tabular models)",
    )
    labels: list[str] = Field(
        default_factory=list,
        description="the answers the endpoint may give (a classifier's labels): any other "
        "answer is an invalid_output; without them any answer counts as one",
    )
    output: str = Field(
        "label",
        min_length=1,
        description="where the answer's prediction is: a dotted path into the JSON answer "
        '("label", "result.class", "choices.0.text")',
    )
    headers: Annotated[dict[str, str], AfterValidator(_from_environment)] = Field(
        default_factory=dict,
        description='request headers, each from an environment variable: "env:NAME"',
    )
    llm: str | None = Field(
        None, min_length=1, description='openai: the "model" field of the request'
    )
    prompt: str | None = Field(
        None,
        description="openai: the prompt, with {text} (or any {column}) where the input goes",
    )
    prompt_file: ProjectPath | None = Field(
        None, description="openai: the prompt in a file, instead of prompt"
    )
    answer_schema: ProjectPath | None = Field(
        None,
        description="openai: a JSON Schema the message must satisfy as JSON; output is then "
        "a path into that JSON",
    )
    max_concurrency: int = Field(
        8, ge=1, le=256, description="calls in flight at once (rate limits: lower it)"
    )
    call_timeout: Duration = Field(
        10.0, gt=0, le=600, description="a call without an answer after this is a time-out"
    )
    cassette: ProjectPath | None = Field(
        None,
        description="recorded calls: sekit check --record writes it; without --record, "
        "sekit answers from it only (no network; an input it lacks is an error)",
    )
    prices: Prices | None = Field(None, description="per-call cost from the reported tokens")
    text: TextBehaviour = Field(
        default_factory=TextBehaviour, description="the behaviour tests of a text endpoint"
    )

    @property
    def calls_text(self) -> bool:
        """An endpoint that answers one text (not a row of features): the text behaviour
        tests apply to it."""
        return self.endpoint is not None and self.input != "*"

    def cassette_only(self, recording: bool) -> bool:
        """Answers come from the cassette alone: no endpoint is called, none is started."""
        return self.cassette is not None and not recording
