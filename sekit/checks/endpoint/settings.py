"""``[client]``: the team's code that calls the model endpoint, for ``sekit check endpoint``."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from sekit.checks.table import Table
from sekit.config.values import Duration


def _placeholders(command: str) -> str:
    for needed in ("{url}", "{output}"):
        if needed not in command:
            raise ValueError(
                f"the command must contain {needed}: sekit puts the faulty endpoint's URL "
                "and the file the answers go to there"
            )
    return command


class Client(Table):
    """``[client]``: the pipeline's stage that calls the endpoint, run by sekit against a
    faulty stand-in of it: it must retry, back off and fall back."""

    table = "client"

    command: Annotated[str, AfterValidator(_placeholders)] = Field(
        description="runs the calls: {url} is the endpoint to call, {output} the JSON-lines "
        "file of answers to write (one object per input)"
    )
    fallback_field: str = Field(
        "fallback", min_length=1, description="the answer's field that marks a fallback"
    )
    timeout: Duration = Field(
        300.0, gt=0, le=3600, description="how long the command may take under a fault"
    )
    faults: list[Literal["rate-limit", "timeout"]] = Field(
        default_factory=list,
        description="faults injected on every sekit check (else only with --fault)",
    )
    min_retried: float = Field(
        0.9,
        ge=0,
        le=1,
        description="share of the requests that get through after a fault, that the client "
        "must get through (it retried them)",
    )
