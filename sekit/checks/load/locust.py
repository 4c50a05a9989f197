"""Running Locust for real, headless, in its own process (never imported into sekit: Locust
monkey-patches the standard library with gevent), and reading its results.

sekit writes a locustfile from ``[service]`` and ``[load]`` (or uses ``[load].locustfile``):
the open model (:mod:`._open`: arrivals on a schedule, latency from the moment each request
was due) or the closed model (:mod:`._closed`: users that wait for each answer, Poisson waits
by default), with the payload (or a list of payloads, cycled) and a warm-up after which the
statistics are reset. Beside it Locust loads sekit's probe of the generator (:mod:`._probe`),
whatever the locustfile. The files are copies of those modules with their ``PARAMS`` filled in.
Final numbers come from Locust's ``--json-file`` (complete at shutdown; percentiles are
computed from its millisecond histogram), the per-second history from its
``_stats_history.csv``.
"""

from __future__ import annotations

import csv
import json
import math
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sekit import processes
from sekit.config.schema import Load, Service
from sekit.errors import InputError, ServiceError

MAX_PAYLOAD_BYTES = 5_000_000
STARTUP_MARGIN = 60.0  # seconds Locust may take beyond warm-up + duration
RUN_TIME_MARGIN = 10.0  # seconds Locust's own clock waits beyond a run that ends itself


def payloads(service: Service) -> list[Any]:
    """The request bodies: the payload file's JSON, a list of them, or none (GET)."""
    path = service.payload
    if path is None:
        return []
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "file not found", key="service.payload") from None
    except OSError as exc:
        raise InputError(path, f"cannot read it ({exc.strerror})", key="service.payload") from None
    if len(raw) > MAX_PAYLOAD_BYTES:
        raise InputError(
            path, f"is {len(raw):,} bytes; keep payloads under 5 MB", key="service.payload"
        )
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text", key="service.payload") from None
    except json.JSONDecodeError as exc:
        raise InputError(
            path,
            f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
            key="service.payload",
        ) from None
    if isinstance(data, list):
        if not data:
            raise InputError(
                path, "is an empty list; give at least one request body", key="service.payload"
            )
        return data
    return [data]


Mode = Literal["open", "closed"]
PARAMS_BLOCK = re.compile(
    r"^PARAMS: dict\[str, Any\] = \{  # sekit: parameters\n(?:    .*\n)*\}\n", re.MULTILINE
)


def _filled(module: str, params: dict[str, Any]) -> str:
    """The text of one of this package's locustfile modules with its ``PARAMS`` filled in."""
    source = Path(__file__).with_name(f"{module}.py").read_text(encoding="utf-8")
    literal = "PARAMS: dict[str, Any] = " + repr(params) + "  # written by sekit\n"
    text, replaced = PARAMS_BLOCK.subn(lambda _: literal, source, count=1)
    if replaced != 1:
        raise AssertionError(f"sekit/checks/load/{module}.py has no PARAMS block")
    return text


def write_locustfile(
    service: Service,
    load: Load,
    workdir: Path,
    mode: Mode = "closed",
    *,
    max_items: int | None = None,
) -> Path:
    """Write the locustfile of one run (``open`` or ``closed``) into ``workdir``: the requests
    of :func:`sekit.checks.load.requests.planned`, their answers read as ``[service].answer``."""
    from sekit.checks.load.requests import planned

    common = {
        "method": service.method,
        "endpoint": service.endpoint,
        "warmup": load.warmup,
        "requests": [[r.path, r.body] for r in planned(service, payloads(service))],
        "answer": service.answer,
        "max_items": max_items,
    }
    if mode == "open":
        params = {**common, "arrival_rate": load.target_rate, "ramp": load.ramp_s}
    else:
        params = {**common, "wait": load.wait, "rate": load.rate}
    path = workdir / ("locustfile.py" if mode == "closed" else "locustfile_open.py")
    path.write_text(_filled(f"_{mode}", params), encoding="utf-8")
    return path


def write_probe(workdir: Path, load: Load) -> tuple[Path, Path]:
    """Write sekit's probe of the generator (it also ends the run on time: pass
    ``ends_itself`` to :func:`command`); the probe and the file it will report to."""
    out = workdir / "generator.json"
    out.unlink(missing_ok=True)  # never judge an earlier run's generator
    path = workdir / "sekit_probe.py"
    params = {"out": str(out), "warmup": load.warmup, "run_time": load.warmup + load.duration}
    path.write_text(_filled("_probe", params), encoding="utf-8")
    return path, out


@dataclass(frozen=True)
class Distribution:
    """How Locust spreads the load: one process, N local processes, or a master."""

    processes: int = 1
    master: bool = False
    expect_workers: int = 0
    bind: str = "127.0.0.1"
    port: int = 5557


def generators(spread: Distribution) -> int:
    """Locust processes that send requests: one open-model dispatcher runs in each."""
    return spread.expect_workers if spread.master else spread.processes


def command(
    locustfiles: Path | Sequence[Path],
    url: str,
    load: Load,
    prefix: Path,
    spread: Distribution,
    mode: Mode = "closed",
    *,
    ends_itself: bool = False,
) -> list[str]:
    """Locust's command line for one run. ``open``: one dispatcher per process, all started
    at once (the schedule ramps, not the users); ``closed``: ``users`` at ``spawn_rate``.
    ``ends_itself``: sekit's probe ends the run, Locust's ``--run-time`` is a safety net."""
    files = [locustfiles] if isinstance(locustfiles, Path) else list(locustfiles)
    if mode == "open":
        count = generators(spread)
        users = ["-u", str(count), "-r", str(count), "--sekit-generators", str(count)]
    else:
        users = ["-u", str(load.users), "-r", f"{load.spawn_rate:g}"]
    argv = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        ",".join(str(f) for f in files),
        "--headless",
        "--host",
        url,
        *users,
        "-t",
        f"{math.ceil(load.warmup + load.duration + (RUN_TIME_MARGIN if ends_itself else 0))}s",
        "--csv",
        str(prefix),
        "--csv-full-history",
        "--json-file",
        str(prefix),
        "--only-summary",
        "--exit-code-on-error",
        "0",
        "--stop-timeout",
        "3",
        "--loglevel",
        "WARNING",
    ]
    if spread.master:
        argv += [
            "--master",
            "--expect-workers",
            str(spread.expect_workers),
            "--master-bind-host",
            spread.bind,
            "--master-bind-port",
            str(spread.port),
            "--expect-workers-max-wait",
            "60",
        ]
    elif spread.processes > 1:
        argv += ["--processes", str(spread.processes)]
    return argv


def worker_command(locustfiles: Sequence[Path], master_host: str, master_port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "locust",
        "-f",
        ",".join(str(f) for f in locustfiles),
        "--worker",
        "--master-host",
        master_host,
        "--master-port",
        str(master_port),
        "--loglevel",
        "WARNING",
    ]


def run(argv: list[str], *, cwd: Path, log_path: Path, limit: float) -> None:
    """Run Locust to completion within ``limit`` seconds; stop it (and its group) regardless."""
    with log_path.open("wb") as log:
        process = processes.spawn(argv, cwd=cwd, log=log)
        try:
            code = processes.wait(process, limit)
        finally:
            processes.stop(process, grace=5.0)
    lines = [line for line in log_path.read_text(errors="replace").splitlines() if line.strip()]
    if code is None:
        raise ServiceError(f"Locust did not finish within {limit:g}s; its log: {log_path}")
    if any("No module named locust" in line for line in lines):
        raise ServiceError(
            "Locust is not installed in this environment",
            hint="pip install 'sekit-ml' (it depends on locust)",
        )
    if code != 0:
        last = next(
            (line for line in reversed(lines) if "Error" in line or "error" in line),
            lines[-1] if lines else "",
        )
        raise ServiceError(
            f"Locust failed (exit code {code}): {last.strip()[:200]}", hint=f"see {log_path}"
        )


@dataclass
class Results:
    requests: int
    failures: int
    seconds: float
    histogram: dict[float, int]
    failures_by_reason: dict[str, int] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def error_rate(self) -> float:
        return self.failures / self.requests if self.requests else 1.0

    def percentile(self, q: float) -> float | None:
        """The response time (ms) below which a share ``q`` of requests fall."""
        return percentile(self.histogram, q)


def percentile(histogram: Mapping[float, int], q: float) -> float | None:
    """The bucket of a histogram (value -> count) below which a share ``q`` of counts fall."""
    total = sum(histogram.values())
    if not total:
        return None
    rank = q * total
    seen = 0
    for bucket in sorted(histogram):
        seen += histogram[bucket]
        if seen >= rank:
            return bucket
    return max(histogram)


def read_results(prefix: Path, warmup: float) -> Results:
    json_path = prefix.parent / f"{prefix.name}.json"
    try:
        entries = json.loads(json_path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise ServiceError(f"Locust wrote no readable results ({json_path}: {exc})") from None
    histogram: dict[float, int] = {}
    requests = failures = 0
    start, end = float("inf"), 0.0
    for entry in entries:
        requests += int(entry["num_requests"])
        failures += int(entry["num_failures"])
        for bucket, count in entry["response_times"].items():
            histogram[float(bucket)] = histogram.get(float(bucket), 0) + int(count)
        if entry["num_requests"]:
            start = min(start, float(entry["start_time"]))
            end = max(end, float(entry["last_request_timestamp"] or 0))
    seconds = max(end - start, 0.0) if requests else 0.0
    return Results(
        requests,
        failures,
        seconds,
        histogram,
        failures_by_reason=_failures(prefix),
        history=_history(prefix, warmup),
    )


def _failures(prefix: Path) -> dict[str, int]:
    path = prefix.parent / f"{prefix.name}_failures.csv"
    reasons: dict[str, int] = {}
    if path.exists():
        with path.open(newline="") as handle:
            for row in csv.DictReader(handle):
                reasons[row.get("Error", "?")] = int(row.get("Occurrences", 0) or 0)
    return reasons


def _history(prefix: Path, warmup: float) -> list[dict[str, Any]]:
    path = prefix.parent / f"{prefix.name}_stats_history.csv"
    rows: list[dict[str, Any]] = []
    if not path.exists():
        return rows
    first: float | None = None
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row.get("Name") != "Aggregated":
                continue
            stamp = float(row["Timestamp"])
            first = stamp if first is None else first
            rows.append(
                {
                    "t": stamp - first,
                    "users": int(row["User Count"]),
                    "rps": _number(row["Requests/s"]),
                    "failures_per_s": _number(row["Failures/s"]),
                    "p50_ms": _number(row["50%"]),
                    "p95_ms": _number(row["95%"]),
                    "p99_ms": _number(row["99%"]),
                    "warmup": stamp - first < warmup,
                }
            )
    return rows


def _number(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None
