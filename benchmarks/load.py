"""Locust (through `sekit check load`) against an independent client, side by side.

One endpoint (FastAPI/uvicorn serving a 100-tree random forest, one row per request), the same
concurrency for both clients (closed loop, no waiting): wrk (C, from Debian's packages) and
sekit's Locust run. The service is pinned to one core and the client to the other (taskset),
so neither steals CPU from the service it measures; the service is the bottleneck (~10 ms per
prediction), so both clients drive the same throughput and their latency figures compare.
Then the requests per second one Locust process and `--processes 2` (both cores, unpinned)
can drive against a bare ASGI answer.

    python benchmarks/load.py [--users 10] [--seconds 10]

Targets (issue 5): Locust's p50 within 15% of the independent figure; report generator
capacity on this 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _record import record

HERE = Path(__file__).resolve().parent
WRK_SCRIPT = """
wrk.method = "{method}"
wrk.body = '{body}'
wrk.headers["Content-Type"] = "application/json"
done = function(summary, latency, requests)
  io.write(string.format("SEKIT p50=%f p95=%f requests=%d seconds=%f errors=%d\\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, summary.requests,
    summary.duration / 1e6, summary.errors.status + summary.errors.connect +
    summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def pinned(core: int | None) -> list[str]:
    """A command prefix that keeps a process on one core (when taskset exists)."""
    return ["taskset", "-c", str(core)] if core is not None and shutil.which("taskset") else []


def start_service(
    port: int, app: str = "_service:app", core: int | None = 0
) -> subprocess.Popen[bytes]:
    service = subprocess.Popen(
        [
            *pinned(core),
            sys.executable,
            "-m",
            "uvicorn",
            app,
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=HERE,
    )
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                return service
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("the benchmark service did not start")


def wrk(
    url: str, users: int, seconds: int, method: str, body: str, core: int | None = 1
) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT.format(method=method, body=body))
    done = subprocess.run(
        [*pinned(core), "wrk", "-t1", f"-c{users}", f"-d{seconds}s", "-s", script.name, url],
        capture_output=True,
        text=True,
        check=True,
    )
    fields = dict(re.findall(r"(\w+)=([\d.]+)", done.stdout.split("SEKIT", 1)[1]))
    numbers = {k: float(v) for k, v in fields.items()}
    numbers["rps"] = numbers["requests"] / numbers["seconds"]
    return numbers


def locust(
    url: str,
    endpoint: str,
    method: str,
    body: str,
    users: int,
    seconds: int,
    processes: int = 1,
    core: int | None = 1,
) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "payload.json").write_text(body)
        (root / "sekit.toml").write_text(
            f'[project]\nname = "bench"\n[service]\ncommand = "unused {{port}}"\n'
            f'endpoint = "{endpoint}"\nmethod = "{method}"\nhealth = "/health"\n'
            f'payload = "payload.json"\n[load]\nmode = "closed"\nusers = {users}\n'
            f"spawn_rate = {users}\n"
            f'duration = "{seconds}s"\nwarmup = "1s"\nwait = "none"\n'
            f"processes = {processes}\n"
        )
        done = subprocess.run(
            [
                *pinned(core),
                sys.executable,
                "-m",
                "sekit",
                "check",
                "load",
                "--url",
                url,
                "--format",
                "json",
                "--config",
                str(root),
            ],
            capture_output=True,
            text=True,
        )
        if done.returncode not in (0, 1):
            raise SystemExit(f"sekit check load failed: {done.stderr}")
        metrics = json.loads(done.stdout)["metrics"]
    return {
        "p50": metrics["load.p50_ms"],
        "p95": metrics["load.p95_ms"],
        "rps": metrics["load.rps"],
        "requests": metrics["load.requests"],
        "error_rate": metrics["load.error_rate"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    port = 18765
    url = f"http://127.0.0.1:{port}"
    body = json.dumps({"features": [14.0] * 30})
    service = start_service(port)
    try:
        wrk(url + "/predict", args.users, 2, "POST", body)  # warm up
        independent = wrk(url + "/predict", args.users, args.seconds, "POST", body)
        measured = locust(url, "/predict", "POST", body, args.users, args.seconds)
    finally:
        service.terminate()
        service.wait()
    ping = start_service(port + 1, "_service:ping", core=None)
    fast = f"http://127.0.0.1:{port + 1}"
    try:
        capacity_1 = locust(fast, "/health", "GET", "{}", 20, args.seconds, core=None)
        capacity_2 = locust(fast, "/health", "GET", "{}", 20, args.seconds, 2, core=None)
        wrk_capacity = wrk(fast + "/health", 20, args.seconds, "GET", "", core=None)
    finally:
        ping.terminate()
        ping.wait()
    gap = abs(measured["p50"] - independent["p50"]) / independent["p50"]
    print(f"/predict, {args.users} users, {args.seconds}s, closed loop:")
    print(
        f"  wrk     p50 {independent['p50']:.1f} ms  p95 {independent['p95']:.1f} ms  "
        f"{independent['rps']:.0f} req/s"
    )
    print(
        f"  locust  p50 {measured['p50']:.1f} ms  p95 {measured['p95']:.1f} ms  "
        f"{measured['rps']:.0f} req/s"
    )
    print(f"  p50 difference {gap:.1%} (target <= 15%: {'met' if gap <= 0.15 else 'MISSED'})")
    print(
        f"generator capacity against a bare ASGI answer, 20 users: locust 1 process "
        f"{capacity_1['rps']:.0f} req/s, --processes 2 {capacity_2['rps']:.0f} req/s, "
        f"wrk {wrk_capacity['rps']:.0f} req/s"
    )
    path = record(
        "load",
        {
            "users": args.users,
            "seconds": args.seconds,
            "predict": {"wrk": independent, "locust": measured, "p50_difference": round(gap, 3)},
            "capacity_bare_asgi_20_users": {
                "locust_1_process": capacity_1,
                "locust_2_processes": capacity_2,
                "wrk": wrk_capacity,
            },
        },
    )
    print(f"recorded in {path}")


if __name__ == "__main__":
    main()
