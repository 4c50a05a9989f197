"""``sekit check experiment``'s own options."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator

from sekit.checks.suite import SuiteOptions


class ExperimentOptions(SuiteOptions):
    """``sekit check experiment``'s options: another log."""

    log: Path | None = Field(
        None,
        description="The prediction log of the run (default: [experiment].log).",
    )

    @field_validator("log")
    @classmethod
    def _absolute(cls, value: Path | None) -> Path | None:
        return value.resolve() if value is not None else None
