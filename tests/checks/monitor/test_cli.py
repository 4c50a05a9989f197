"""`sekit check monitor` from the command line: the report (with the over-time pictures),
and clear errors for a bad log, a missing one and options given to the wrong suite."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sekit.config.schema import Config
from sekit.report.html import render_html
from sekit.runner import run
from sekit_cli.app import cli
from tests.checks.monitor.test_week import MONITOR, START
from tests.checks.monitor.week import hour_start, week

pytestmark = pytest.mark.slow  # a simulated week per test


@pytest.fixture
def drifted(
    project: Callable[..., Config], clean: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Config:
    monkeypatch.chdir(tmp_path)
    config = project(clean, behaviour="", extra=MONITOR)
    week(tmp_path, clean, fault="drift", start=START, days=5)
    return config


def test_the_report_draws_each_metric_over_time_with_the_broken_windows(
    drifted: Config,
) -> None:
    report = run(drifted, suites=["monitor"], save=False)
    assert report.verdict == "fail"
    page = render_html(report)
    assert "Monitoring over time" in page
    assert "monitor.drift_share" in page and "monitor.p95_ms" in page
    assert 'fill-opacity="0.18"' in page  # the windows that drifted
    [drift] = [c for c in report.checks if c.id == "monitor.drift"]
    assert drift.findings[0].evidence["first_window"] == hour_start(START)


def test_the_cli_judges_another_log_and_says_where_it_broke(
    drifted: Config, tmp_path: Path
) -> None:
    moved = tmp_path / "elsewhere.jsonl"
    (tmp_path / "requests.jsonl").rename(moved)
    result = CliRunner().invoke(cli, ["check", "monitor", "--log", str(moved), "--format", "json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["metrics"]["monitor.drift_windows"] > 0
    assert report["metrics"]["monitor.availability"] > 0.99


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["check", "monitor", "--log", "missing.jsonl"], "--log"),
        (
            ["check", "data", "--log", "requests.jsonl"],
            "--log only applies to `sekit check monitor`",
        ),
        (["check", "monitor", "--prometheus", "http://192.0.2.1:9090"], "not on this machine"),
    ],
)
def test_wrong_options_are_one_line_errors(drifted: Config, args: list[str], expected: str) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert expected in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("not json at all\n", "holds no JSON object per line"),
        ('{"when": "2026-11-16T00:00:00Z"}\n', "no 'timestamp' field"),
        ('{"timestamp": "yesterday"}\n', "ISO 8601"),
    ],
)
def test_an_unusable_log_names_the_file_and_the_key(
    drifted: Config, tmp_path: Path, content: str, expected: str
) -> None:
    (tmp_path / "requests.jsonl").write_text(content)
    result = CliRunner().invoke(cli, ["check", "monitor", "--format", "json"])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    first, *others = [c for c in report["checks"] if c["status"] == "error"]
    assert expected in first["summary"] and "requests.jsonl" in first["summary"]
    # reported once: the checks after it say which check reported the log
    assert others and all(f"reported by {first['id']}" in c["summary"] for c in others)


def test_prometheus_that_does_not_answer_never_passes(drifted: Config) -> None:
    import socket

    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = CliRunner().invoke(
        cli,
        ["check", "monitor", "--prometheus", f"http://127.0.0.1:{port}", "--format", "json"],
    )
    assert result.exit_code == 2
    [slo] = [c for c in json.loads(result.stdout)["checks"] if c["id"] == "monitor.slo"]
    assert slo["status"] == "error"
    assert "cannot reach Prometheus" in slo["summary"]
