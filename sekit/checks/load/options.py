"""``sekit check load``'s own options (typed, validated here)."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import Field, ValidationInfo, model_validator

from sekit.checks.suite import SuiteOptions


class LoadOptions(SuiteOptions):
    """``sekit check load``'s options: faults, Locust processes and its distributed mode."""

    fault: Literal["model-error", "model-slow"] | None = Field(
        None, description="Inject a failing or slow model into the service (load.fallback)."
    )
    processes: int | None = Field(
        None, ge=1, description="Locust processes on this machine (default: [load].processes)."
    )
    master: bool = Field(
        False, description="Run Locust's master; workers join with `sekit check load --worker`."
    )
    expect_workers: int = Field(1, ge=1, description="Workers the master waits for.")
    master_bind: str = Field(
        "127.0.0.1",
        description="Address the master listens on (other than loopback: --allow-remote).",
    )
    master_port: int = Field(5557, ge=1, le=65535, description="Port of the master.")
    worker: bool = Field(False, description="Run a Locust worker for a sekit master.")
    master_host: str = Field("127.0.0.1", description="The master a --worker connects to.")

    @model_validator(mode="after")
    def _local_unless_allowed(self, info: ValidationInfo) -> Self:
        run = (info.context or {}).get("run")
        allow_remote = bool(getattr(run, "allow_remote", False))
        if self.master and self.master_bind not in ("127.0.0.1", "localhost") and not allow_remote:
            raise ValueError(
                f"--master-bind {self.master_bind!r} exposes the master beyond this machine; "
                "pass --allow-remote to do that"
            )
        if self.worker and not (info.context or {}).get("asked"):
            raise ValueError("--worker only applies to `sekit check load`")
        return self
