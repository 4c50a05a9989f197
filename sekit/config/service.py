"""``[service]`` and ``[load]``: how sekit starts and calls the project's HTTP service, and the
Locust load test against it."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from sekit.config.values import Duration, ProjectPath, Section


def _has_port(value: str) -> str:
    if "{port}" not in value:
        raise ValueError("the command must contain {port}, where sekit puts a free port")
    return value


class Service(Section):
    """``[service]``: how sekit starts and calls the project's HTTP service."""

    command: Annotated[str, AfterValidator(_has_port)] = Field(
        description="starts the service; {port} is replaced by a free port on 127.0.0.1"
    )
    health: str = Field(
        "/health", pattern=r"^/[^\s\\]*$", description="answers < 400 once it is up"
    )
    endpoint: str = Field(
        "/predict",
        pattern=r"^/[^\s\\]*$",
        description="the path that predicts; {name} is a parameter filled from each payload "
        "(/recommend/{user_id})",
    )
    method: Literal["GET", "POST", "PUT"] = Field(
        "POST", description="the HTTP method of the endpoint"
    )
    payload: ProjectPath | None = Field(
        None,
        description="a JSON request body, or a JSON list of bodies to cycle; an endpoint with "
        "parameters ({user_id}) takes their values from each body",
    )
    answer: Literal["json", "text", "list"] = Field(
        "json",
        description="what the endpoint answers: json; text (any body); list (item ids "
        "separated by commas: an empty list, an item twice or more than [model.ranking].k "
        "items is a failed request)",
    )
    startup_timeout: Duration = Field(30.0, gt=0, description="how long to wait for health")
    env: dict[str, str] = Field(default_factory=dict, description="extra environment variables")
    fallback_field: str = Field(
        "fallback",
        min_length=1,
        description="the answer's field that is true when the service answered with its "
        "fallback (load.fallback)",
    )


class Load(Section):
    """``[load]``: the Locust load test."""

    users: int = Field(10, ge=1, le=10_000, description="simulated users at the same time")
    spawn_rate: float = Field(10.0, gt=0, description="users started per second")
    duration: Duration = Field(
        20.0, gt=0, le=3600, description="how long the load is measured, after the warm-up"
    )
    warmup: Duration = Field(2.0, ge=0, le=600, description="excluded from the statistics")
    wait: Literal["poisson", "between", "none"] = Field(
        "poisson", description="arrival pattern per user (poisson keeps latencies honest)"
    )
    rate: float = Field(5.0, gt=0, description="requests per second per user (poisson)")
    processes: int = Field(
        1, ge=1, le=64, description="Locust processes on this machine (more for more load)"
    )
    locustfile: ProjectPath | None = Field(None, description="the team's own locustfile")
    min_rps: float | None = Field(None, gt=0, description="throughput required (else throughput)")
    max_error_rate: float = Field(
        0.01, ge=0, le=1, description="share of failed requests above which error_rate fails"
    )
    faults: list[Literal["model-error", "model-slow"]] = Field(
        default_factory=list,
        description="model faults injected on every run by load.fallback (else only with "
        "sekit check load --fault)",
    )
    max_p50_ms: float | None = Field(None, gt=0, description="median latency bound (latency)")
    max_p95_ms: float | None = Field(None, gt=0, description="95th percentile bound (latency)")
    max_p99_ms: float | None = Field(None, gt=0, description="99th percentile bound (latency)")
