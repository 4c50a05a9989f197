"""``sekit check monitor``'s own options (typed, validated here)."""

from __future__ import annotations

from pathlib import Path
from typing import Self

from pydantic import Field, ValidationInfo, field_validator, model_validator

from sekit.checks.suite import SuiteOptions


class MonitorOptions(SuiteOptions):
    """``sekit check monitor``'s options: another log, a Prometheus server."""

    log: Path | None = Field(
        None,
        description="The prediction log to judge (default: [monitor].log, else [data].production).",
    )
    prometheus: str | None = Field(
        None,
        description="Read availability, latency, errors and feedback from this Prometheus server.",
        json_schema_extra={"metavar": "URL"},
    )

    @field_validator("log")
    @classmethod
    def _absolute(cls, value: Path | None) -> Path | None:
        return value.resolve() if value is not None else None

    @model_validator(mode="after")
    def _loopback(self, info: ValidationInfo) -> Self:
        if self.prometheus is None:
            return self
        from sekit.net import check_loopback

        run = (info.context or {}).get("run")
        url = check_loopback(self.prometheus, allow_remote=bool(getattr(run, "allow_remote", 0)))
        return self.model_copy(update={"prometheus": url})
