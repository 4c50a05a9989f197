"""A monitor bound is measured or it blocks: a log whose fields the checks cannot read for a
bound, or whose lines hold values no service can have written (``Infinity``, a negative token
count), ends ``error``, never "not measured" and a pass. One invalid line among many is
rejected and counted, and the verdict on the others stands.

Each case is a reproduction from issue 30; the logs are written here, line by line."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sekit.checks import specs
from sekit.checks.context import Context
from sekit.config.loader import load_config
from sekit.results import CheckResult, Status
from sekit.runner import run, run_check
from sekit_cli.app import cli

START = datetime(2026, 11, 16, tzinfo=UTC)
SLO = """[project]
name = "served"

[monitor]
log = "requests.jsonl"
window = "1h"
max_p95_ms = 200
min_availability = 0.99
"""
COST = """[project]
name = "served"

[monitor]
log = "requests.jsonl"
window = "1h"
[monitor.cost]
per_1k = { tokens = 0.001 }
max_per_request = 0.001

[gates]
"monitor.cost_per_request" = { max = 0.001 }
"""


def requests(hours: int = 6, per_hour: int = 200, **fields: Any) -> list[dict[str, Any]]:
    """Healthy requests: answered (200) in 20-80 ms, with the fields given added to each."""
    lines = []
    for i in range(hours * per_hour):
        when = START + timedelta(seconds=i * 3600 / per_hour)
        line = {
            "timestamp": when.isoformat().replace("+00:00", "Z"),
            "request_id": f"r{i}",
            "model_version": "v1",
            "status": 200,
            "latency_ms": 20.0 + (i * 7) % 60,
            "prediction": "yes",
        }
        lines.append(line | fields)
    return lines


def project(root: Path, config: str, lines: list[dict[str, Any]]) -> Context:
    (root / "sekit.toml").write_text(config)
    with (root / "requests.jsonl").open("w") as log:
        for line in lines:
            log.write(json.dumps(line) + "\n")  # json.dumps writes inf as Infinity
    return Context(load_config(root / "sekit.toml"))


def checked(check_id: str, ctx: Context) -> CheckResult:
    """The check run as sekit runs it (an input error becomes its ``error`` result)."""
    [spec] = [s for s in specs("monitor") if s.id == check_id]
    return run_check(spec, ctx, timeout=60)


def check_slo(ctx: Context) -> CheckResult:
    return checked("monitor.slo", ctx)


def check_cost(ctx: Context) -> CheckResult:
    return checked("monitor.cost", ctx)


def errored(result: CheckResult) -> str:
    assert result.status is Status.ERROR, (result.status, result.summary)
    return result.summary


def test_a_clean_log_keeps_the_bounds(tmp_path: Path) -> None:
    result = check_slo(project(tmp_path, SLO, requests()))
    assert result.status is Status.PASS, result.summary
    assert result.metrics["availability"] == 1.0
    assert 70 < result.metrics["p95_ms"] < 80


def test_fields_the_monitor_does_not_know_are_an_error_not_a_pass(tmp_path: Path) -> None:
    lines = [
        {k: v for k, v in line.items() if k not in ("status", "latency_ms")}
        | {"http_status": 200, "latency_ms": "950ms"}
        for line in requests()
    ]
    summary = errored(check_slo(project(tmp_path, SLO, lines)))
    assert "latency_ms" in summary and "950ms" in summary


def test_a_log_without_a_status_cannot_show_availability(tmp_path: Path) -> None:
    lines = [{k: v for k, v in line.items() if k != "status"} for line in requests()]
    summary = errored(check_slo(project(tmp_path, SLO, lines)))
    assert "status" in summary and "[monitor].status" in summary


def test_infinite_latencies_are_an_error_not_nan_within_the_bounds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = requests()
    for index in range(0, len(lines), 10):
        for offset in (0, 3, 6):  # 30% of the latencies
            lines[index + offset]["latency_ms"] = float("inf")
    ctx = project(tmp_path, SLO, lines)
    summary = errored(check_slo(ctx))
    assert "nan" not in summary
    assert "Infinity" in summary and "360 of 1200 lines" in summary
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", "monitor", "--format", "json"])
    assert result.exit_code != 0
    assert json.loads(result.stdout)["verdict"] == "fail"


def test_one_line_cut_short_is_counted_and_the_verdict_stands(tmp_path: Path) -> None:
    ctx = project(tmp_path, SLO, requests())
    with (tmp_path / "requests.jsonl").open("a") as log:
        log.write('{"timestamp": "2026-11-16T05:59:59Z", "request_id": "r-last", "sta')
    result = check_slo(ctx)
    assert result.status is Status.WARN, result.summary
    [warned] = [f for f in result.findings if f.kind == "invalid_log_lines"]
    assert warned.evidence["invalid"] == 1
    assert "line 1201" in warned.message and "not JSON" in warned.message
    assert result.metrics["availability"] == 1.0


def test_a_status_missing_on_many_lines_is_not_counted_as_answered(tmp_path: Path) -> None:
    lines = requests()
    for line in lines[::5]:  # a fifth of the lines say nothing about their answer
        del line["status"]
    summary = errored(check_slo(project(tmp_path, SLO, lines)))
    assert "240 of 1200" in summary and "status" in summary


def test_a_negative_token_count_is_rejected_and_the_cost_verdict_stands(tmp_path: Path) -> None:
    lines = requests(hours=2, per_hour=100, tokens=25_000)  # 0.025 USD: 25 times the bound
    lines[17]["tokens"] = -1e9
    ctx = project(tmp_path, COST, lines)
    result = check_cost(ctx)
    assert result.status is Status.FAIL, result.summary
    assert result.metrics["cost_per_request"] == pytest.approx(0.025)
    [warned] = [f for f in result.findings if f.kind == "invalid_log_lines"]
    assert "line 18" in warned.message and "tokens" in warned.message
    report = run(ctx.config, suites=["monitor"], gate=True, save=False)
    assert report.verdict == "fail"
    [gate] = report.gates
    assert not gate.passed and gate.value == pytest.approx(0.025)


def test_a_cost_bound_with_its_fields_missing_on_most_lines_is_an_error(tmp_path: Path) -> None:
    lines = requests(hours=2, per_hour=100, tokens=100)
    for line in lines[::2]:
        del line["tokens"]
    summary = errored(check_cost(project(tmp_path, COST, lines)))
    assert "100 of 200" in summary
