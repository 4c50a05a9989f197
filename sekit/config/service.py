"""``[service]`` and ``[load]``: how sekit starts and calls the project's HTTP service, and the
Locust load test against it."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

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
    env: dict[str, str] = Field(
        default_factory=dict,
        description="extra environment variables (OMP_NUM_THREADS and the BLAS pools' "
        "variables are 1 unless set here or in the environment: sekit.threads)",
    )
    fallback_field: str = Field(
        "fallback",
        min_length=1,
        description="the answer's field that is true when the service answered with its "
        "fallback (load.fallback)",
    )


class Load(Section):
    """``[load]``: the Locust load test.

    Two ways to load a service. The **open** model (the default) sends requests on a schedule,
    ``arrival_rate`` per second in total, whatever the service does, and measures each latency
    from the moment the request was due: a stall counts for every request that arrived during
    it. The **closed** model runs ``users`` that each wait for an answer before sending again
    (``wait``, ``rate``): what a fixed population of users sees, and with ``wait = "none"`` the
    capacity; it understates latency when the service stalls. ``mode = "both"`` runs the two,
    one after the other.
    """

    mode: Literal["open", "closed", "both"] | None = Field(
        None,
        description="open (a schedule: latency), closed (waiting users: capacity) or both; "
        "default open, or closed with a locustfile of your own",
    )
    arrival_rate: float | None = Field(
        None,
        gt=0,
        le=100_000,
        description="open model: requests per second in total (default users x rate)",
    )
    ramp: Duration | None = Field(
        None,
        ge=0,
        le=600,
        description="open model: the arrival rate rises linearly to arrival_rate over this "
        "time (default the warm-up)",
    )
    users: int = Field(
        10, ge=1, le=10_000, description="closed model: simulated users at the same time"
    )
    spawn_rate: float = Field(10.0, gt=0, description="closed model: users started per second")
    duration: Duration = Field(
        20.0, gt=0, le=3600, description="how long the load is measured, after the warm-up"
    )
    warmup: Duration = Field(2.0, ge=0, le=600, description="excluded from the statistics")
    wait: Literal["poisson", "between", "none"] = Field(
        "poisson",
        description="closed model: waits per user (poisson keeps latencies honest; none "
        "measures capacity)",
    )
    rate: float = Field(
        5.0,
        gt=0,
        description="closed model: requests per second per user (users x rate is the open "
        "model's default arrival_rate)",
    )
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
    malformed: bool = Field(
        False,
        description="probe the service with requests that break its schema (wrong types, "
        "missing fields, garbage ids, oversized values): each must be refused with a 4xx, "
        "never a server error or a hang (load.malformed)",
    )
    max_p50_ms: float | None = Field(None, gt=0, description="median latency bound (latency)")
    max_p95_ms: float | None = Field(None, gt=0, description="95th percentile bound (latency)")
    max_p99_ms: float | None = Field(None, gt=0, description="99th percentile bound (latency)")

    @model_validator(mode="after")
    def _open_needs_sekits_requests(self) -> Load:
        if self.mode in ("open", "both") and self.locustfile is not None:
            raise ValueError(
                f'mode = "{self.mode}" sends sekit\'s own requests on a schedule; a locustfile '
                'of your own runs in the closed model: set mode = "closed" (or remove the '
                "locustfile)"
            )
        return self

    @property
    def modes(self) -> tuple[Literal["open", "closed"], ...]:
        """The runs to make, in order: the open model first (it decides latency bounds)."""
        chosen = self.mode or ("closed" if self.locustfile is not None else "open")
        if chosen == "both":
            return ("open", "closed")
        return ("open",) if chosen == "open" else ("closed",)

    @property
    def target_rate(self) -> float:
        """The open model's arrival rate: ``arrival_rate``, else ``users`` x ``rate``."""
        return self.arrival_rate if self.arrival_rate is not None else self.users * self.rate

    @property
    def ramp_s(self) -> float:
        """Seconds over which the open model's rate rises: ``ramp``, else the warm-up."""
        return self.ramp if self.ramp is not None else self.warmup
