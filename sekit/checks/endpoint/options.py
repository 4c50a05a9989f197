"""``sekit check endpoint``'s own option."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from sekit.checks.suite import SuiteOptions


class EndpointOptions(SuiteOptions):
    """``--fault``: the fault the endpoint's stand-in shows the team's client."""

    fault: Literal["rate-limit", "timeout"] | None = Field(
        None,
        description="Put a faulty stand-in in front of [model].endpoint (429s or late "
        "answers) and run [client].command against it.",
    )
