"""The system composed: the scaffold's compose.yaml is valid against the Compose Specification
and matches what `sekit up` runs without Docker (faults as data: a health check on another
port, a service bound to every interface, a key Compose does not know); and end to end, the
running system (model service, app, Prometheus, as real processes on loopback) is driven by a
real browser, the corrections reach the feedback store, Prometheus scrapes what happened,
and everything stops when `sekit up` ends."""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from pathlib import Path

import httpx
import pytest
import yaml
from click.testing import CliRunner

from sekit.errors import InputError
from sekit.system import problems, read, up
from sekit_cli.app import cli
from tests.checks.load.test_load import leftovers
from tests.scaffold.test_browser import ask, text_of

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.mark.parametrize("template", ["classification", "regression"])
def test_the_scaffolds_compose_file_is_valid_and_matches_the_local_run(template: str) -> None:
    system = read(EXAMPLES / template / "compose.yaml")
    assert [s.name for s in system.services] == ["model", "app", "prometheus"]
    assert list(system.docker_only) == ["grafana"]
    assert problems(system) == []
    app = next(s for s in system.services if s.name == "app")
    assert app.environment["MODEL_URL"] == "http://127.0.0.1:8000"  # model:8000, rewritten


def edited(tmp_path: Path, change: str) -> Path:
    document = yaml.safe_load((EXAMPLES / "classification" / "compose.yaml").read_text())
    model = document["services"]["model"]
    if change == "health on another port":
        model["healthcheck"]["test"][-1] = model["healthcheck"]["test"][-1].replace("8000", "8001")
    elif change == "binds every interface":
        model["x-sekit"]["command"] = model["x-sekit"]["command"].replace("127.0.0.1", "0.0.0.0")
    elif change == "port not published":
        model["x-sekit"]["port"] = 8001
    elif change == "unknown key":
        model["restart_policy"] = "always"
    path = tmp_path / "compose.yaml"
    path.write_text(yaml.safe_dump(document))
    return path


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ("health on another port", "model: the compose health check does not test :8000/health"),
        ("binds every interface", "model: x-sekit.command binds 0.0.0.0"),
        ("port not published", "model: port 8001 is not published"),
        ("unknown key", "not valid against the Compose Specification at services.model"),
    ],
)
def test_a_difference_between_compose_and_the_local_run_exits_2(
    tmp_path: Path, change: str, needle: str
) -> None:
    path = edited(tmp_path, change)
    result = CliRunner().invoke(cli, ["up", "--check", "--file", str(path)])
    assert result.exit_code == 2, result.output
    assert needle in result.output and "Traceback" not in result.output
    if change != "unknown key":
        assert problems(read(path))
    else:
        with pytest.raises(InputError):
            read(path)


@pytest.mark.services
def test_a_port_someone_else_holds_stops_sekit_up_before_anything_starts(tmp_path: Path) -> None:
    """Otherwise the health check would be answered by whatever holds the port (an old run of
    the system) and everything after would test that."""
    import socket

    document = yaml.safe_load((EXAMPLES / "classification" / "compose.yaml").read_text())
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        model = document["services"]["model"]
        model["ports"] = [f"{port}:8000"]
        model["x-sekit"]["command"] = model["x-sekit"]["command"].replace("8000", str(port))
        path = tmp_path / "compose.yaml"
        path.write_text(yaml.safe_dump(document))
        result = CliRunner().invoke(cli, ["up", "--file", str(path), "--", "true"])
        assert result.exit_code == 2, result.output
        assert f"model: port {port} on 127.0.0.1 is already in use" in result.output
        assert not (tmp_path / ".sekit" / "up" / "model.log").exists()  # nothing started


def scraped(url: str, query: str) -> float:
    answer = httpx.get(f"{url}/api/v1/query", params={"query": query}, timeout=5).json()
    result = answer["data"]["result"]
    return float(result[0]["value"][1]) if result else 0.0


@pytest.mark.browser
@pytest.mark.services
@pytest.mark.prometheus
def test_the_system_runs_with_one_command_and_a_browser_drives_it(
    tmp_path: Path, trained_example: Path, browser: object
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    project = tmp_path / "project"
    shutil.copytree(trained_example, project)
    payloads = json.loads((project / "tests" / "load" / "payload.json").read_text())
    system = read(project / "compose.yaml")
    with up(system, project) as running:
        app, prometheus = running.urls["app"], running.urls["prometheus"]
        corrected = []
        for payload in payloads[:3]:
            ask(browser, app, payload)
            request_id, answer = text_of(browser, "request-id"), text_of(browser, "answer")
            other = next(c for c in ("benign", "malignant") if c != answer)
            Select(browser.find_element(By.ID, "label")).select_by_visible_text(other)  # type: ignore[attr-defined]
            browser.find_element(By.ID, "send-correction").click()  # type: ignore[attr-defined]
            assert text_of(browser, "thanks")
            corrected.append((request_id, other))
        with sqlite3.connect(project / "logs" / "feedback.sqlite") as db:
            stored = dict(db.execute("SELECT request_id, label FROM feedback").fetchall())
        assert stored == dict(corrected)
        # Prometheus scrapes the model service (every 15 s, compose.yaml's config)
        deadline, seen = time.monotonic() + 60, 0.0
        while time.monotonic() < deadline and seen < 3:
            seen = scraped(prometheus, "sum(model_feedback_total)")
            time.sleep(1)
        assert seen == 3
        assert scraped(prometheus, 'sum(http_requests_total{handler="/predict"})') >= 3
        processes = list(running.processes.values())
    assert all(p.poll() is not None for p in processes)  # everything stopped
    assert not leftovers(str(project))
    with pytest.raises(httpx.HTTPError):
        httpx.get(f"{app}/health", timeout=2)
