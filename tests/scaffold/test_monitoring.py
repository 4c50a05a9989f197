"""The scaffold's monitoring: its Prometheus config, alert rules (with promtool's unit tests
of when each alert fires) and Grafana dashboard are valid for both templates; a real
Prometheus on loopback scrapes a real scaffolded service under Locust load, and
`sekit check monitor --prometheus` reads the SLOs from it and finds the outage when the
service stops."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from sekit import processes
from sekit.config.loader import load_config
from sekit.scaffold import create, plan
from sekit.subjects.service import started
from tests.checks.load.test_load import leftovers

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "classification"
pytestmark = pytest.mark.prometheus  # promtool and the server, from Debian's prometheus


def promtool(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["promtool", *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture(scope="module", params=["classification", "regression"])
def monitoring(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp(request.param) / "team"
    create(plan("team", template=request.param, team=["Ana"], target=target))
    return target / "monitoring"


def test_promtool_accepts_the_config_and_the_rules(monitoring: Path) -> None:
    checked = promtool("check", "config", "prometheus.yml", cwd=monitoring)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "5 rules found" in checked.stdout


def test_each_alert_fires_when_its_unit_test_says(monitoring: Path) -> None:
    tested = promtool("test", "rules", "alerts.test.yml", cwd=monitoring)
    assert tested.returncode == 0, tested.stdout + tested.stderr


@pytest.mark.parametrize(
    ("alert", "change"),
    [
        ("HighErrorRate", (" > 0.01\n", " > 0.5\n")),
        ("ServiceDown", ("== 0\n        for: 1m", "== 0\n        for: 10m")),
        ("LatencyAboveSLO", (") > 0.2\n", ") > 0.6\n")),
    ],
)
def test_a_weakened_alert_fails_its_unit_test(
    monitoring: Path, tmp_path: Path, alert: str, change: tuple[str, str]
) -> None:
    copy = tmp_path / "monitoring"
    shutil.copytree(monitoring, copy)
    rules = (copy / "alerts.yml").read_text()
    assert change[0] in rules
    (copy / "alerts.yml").write_text(rules.replace(change[0], change[1], 1))
    tested = promtool("test", "rules", "alerts.test.yml", cwd=copy)
    assert tested.returncode != 0
    assert alert in tested.stdout + tested.stderr


def dashboard_queries(monitoring: Path) -> list[str]:
    board = json.loads((monitoring / "grafana-dashboard.json").read_text())
    return [t["expr"] for panel in board["panels"] for t in panel["targets"]]


def test_every_dashboard_query_is_valid_promql(monitoring: Path, tmp_path: Path) -> None:
    """promtool checks PromQL in rule files: each panel's query becomes a recording rule."""
    queries = dashboard_queries(monitoring)
    assert len(queries) >= 7
    rules = {
        "groups": [
            {
                "name": "dashboard",
                "rules": [{"record": f"panel:query{i}", "expr": q} for i, q in enumerate(queries)],
            }
        ]
    }
    (tmp_path / "panels.yml").write_text(yaml.safe_dump(rules))
    checked = promtool("check", "rules", "panels.yml", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


# --- a real Prometheus ------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory, trained_example: Path) -> Path:
    project = tmp_path_factory.mktemp("monitored") / "project"
    shutil.copytree(trained_example, project)
    return project


@pytest.fixture
def prometheus(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A Prometheus server on loopback (scraping every second); its config file to fill in."""
    port = _free_port()
    config = tmp_path / "prometheus" / "prometheus.yml"
    config.parent.mkdir()
    yield f"http://127.0.0.1:{port}", config
    for leftover in leftovers(str(config.parent)):
        pytest.fail(f"Prometheus outlived the test: {leftover}")


def start_prometheus(url: str, config: Path, target: str, rules: Path) -> object:
    shutil.copy(rules, config.parent / "alerts.yml")
    scrape = yaml.safe_load((rules.parent / "prometheus.yml").read_text())
    scrape["global"] = {"scrape_interval": "1s", "evaluation_interval": "1s"}
    scrape["scrape_configs"][0]["static_configs"] = [{"targets": [target]}]
    config.write_text(yaml.safe_dump(scrape))
    log = (config.parent / "prometheus.log").open("wb")
    server = processes.spawn(
        [
            "prometheus",
            f"--config.file={config}",
            f"--storage.tsdb.path={config.parent / 'data'}",
            f"--web.listen-address={url.removeprefix('http://')}",
        ],
        cwd=config.parent,
        log=log,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # ready, and the service scraped once before the load
        try:
            if scraped(url, 'up{job="model-service"}') == 1:
                return server
        except (httpx.HTTPError, KeyError, ValueError):
            pass
        time.sleep(0.2)
    processes.stop(server)
    raise AssertionError("Prometheus did not scrape the service")


def monitor(project: Path, url: str) -> tuple[int, dict[str, object]]:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "sekit",
            "check",
            "monitor",
            "--prometheus",
            url,
            "--format",
            "json",
        ],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode in (0, 1), run.stderr
    report = json.loads(run.stdout)
    report["shown"] = [
        (c["id"], c["status"], [f["message"] for f in c["findings"]]) for c in report["checks"]
    ]
    return run.returncode, report


def scraped(url: str, query: str) -> float:
    found = httpx.get(f"{url}/api/v1/query", params={"query": query}, timeout=5).json()
    return sum(float(r["value"][1]) for r in found["data"]["result"])


@pytest.mark.services
def test_prometheus_scrapes_the_service_under_load_and_monitor_reads_it(
    trained: Path, prometheus: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, config_file = prometheus
    project = tmp_path / "project"
    shutil.copytree(trained, project, ignore=shutil.ignore_patterns(".sekit"))
    monkeypatch.setenv("PYTHONPATH", str(project / "src"))
    toml = (project / "sekit.toml").read_text()
    assert 'window = "1h"' in toml
    # 5 s windows; a p95 bound that a busy 2-core runner meets (the latency logic itself is
    # tested on a simulated week made slow on purpose, tests/checks/monitor).
    (project / "sekit.toml").write_text(
        toml.replace('window = "1h"', 'window = "5s"\nperiod = "3m"\nmax_p95_ms = 2000')
    )
    config = load_config(project)
    assert config.service is not None
    workdir = project / ".sekit"
    workdir.mkdir()
    server = None
    try:
        # A generous model budget: on a busy runner the 100 ms budget sends some answers to the
        # fallback, which the check would rightly count; this test is about reading Prometheus.
        slow_ok = {"MODEL_BUDGET_MS": "2000"}
        with started(config.service, root=project, workdir=workdir, env=slow_ok) as service:
            target = service.url.removeprefix("http://")
            server = start_prometheus(
                url, config_file, target, project / "monitoring" / "alerts.yml"
            )
            load = subprocess.run(
                [sys.executable, "-m", "sekit", "check", "load", "--url", service.url],
                cwd=project,
                capture_output=True,
                text=True,
                timeout=180,
            )
            assert load.returncode == 0, load.stdout + load.stderr
            time.sleep(3)  # the last scrapes
            served = scraped(url, 'sum(http_requests_total{handler="/predict"})')
            assert served > 100
            for query in dashboard_queries(project / "monitoring"):
                answer = httpx.get(f"{url}/api/v1/query", params={"query": query}, timeout=5)
                assert answer.json()["status"] == "success", (query, answer.text)
            code, report = monitor(project, url)
        assert code == 0, report["shown"]
        [slo] = [c for c in report["checks"] if c["id"] == "monitor.slo"]
        assert slo["status"] == "pass", slo["summary"]
        assert slo["metrics"]["requests"] == pytest.approx(served, rel=0.2)
        assert slo["metrics"]["availability"] == 1.0
        assert 0 < slo["metrics"]["p95_ms"] < 2000
        [series] = [f for f in slo["findings"] if f["severity"] == "info"]
        assert len(series["evidence"]["series"]["monitor.p95_ms"]["points"]) >= 2
        # The service is gone (the context ended): Prometheus's scrapes fail, and the check
        # names a window after the stop as the first that broke availability.
        stopped = time.time()
        time.sleep(12)
        code, report = monitor(project, url)
        assert code == 1
        [slo] = [c for c in report["checks"] if c["id"] == "monitor.slo"]
        [down] = [
            f for f in slo["findings"] if f["kind"] == "availability" and f["severity"] == "fail"
        ]
        first = down["evidence"]["first_window"]
        from datetime import datetime

        began = datetime.fromisoformat(first.replace("Z", "+00:00")).timestamp()
        assert stopped - 5 <= began <= stopped + 6
    finally:
        if server is not None:
            processes.stop(server)  # type: ignore[arg-type]
    assert leftovers(str(project)) == []
