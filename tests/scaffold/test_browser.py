"""The scaffold's app in a real browser (Debian's headless chromium, driven by Selenium through
Debian's chromedriver; nothing is downloaded): the model service and the app run as real
processes on loopback; a user asks, sees the answer with its model version, corrects it, and
the correction reaches the feedback store with the request id and the training data's export;
the same user stays in one arm; with the model service stopped, the page says so and the app
keeps working."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from sekit import processes

pytestmark = [pytest.mark.browser, pytest.mark.services]

PACKAGE = "classification_demo"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(project: Path, target: str, port: int, log: Path, **env: str) -> subprocess.Popen[bytes]:
    """``uvicorn target`` on loopback, healthy, or an assertion error with its log."""
    argv = [sys.executable, "-m", "uvicorn", target, "--host", "127.0.0.1", "--port", str(port)]
    environment = {**os.environ, "PYTHONPATH": str(project / "src"), **env}
    environment.pop("SEKIT_LOAD_TEST", None)  # real traffic: logs/requests.jsonl
    with log.open("wb") as handle:
        process = processes.spawn(argv, cwd=project, log=handle, env=environment)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.2)
    processes.stop(process)
    raise AssertionError(f"{target} did not become healthy:\n{log.read_text()[-2000:]}")


@dataclass
class System:
    project: Path
    app_url: str
    model_url: str
    model: subprocess.Popen[bytes]


@pytest.fixture
def system(tmp_path: Path, trained_example: Path) -> Iterator[System]:
    """The trained example's model service and app, running."""
    project = tmp_path / "project"
    shutil.copytree(trained_example, project)
    model_port, app_port = free_port(), free_port()
    model = serve(project, f"{PACKAGE}.serve:app", model_port, tmp_path / "model.log")
    try:
        app = serve(
            project,
            f"{PACKAGE}.app:app",
            app_port,
            tmp_path / "app.log",
            MODEL_URL=f"http://127.0.0.1:{model_port}",
        )
        try:
            yield System(
                project, f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{model_port}", model
            )
        finally:
            processes.stop(app)
    finally:
        processes.stop(model)


def ask(driver: object, url: str, payload: dict[str, object]) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver.get(url)  # type: ignore[attr-defined]
    for name, value in payload.items():
        if name == "clinic":
            Select(driver.find_element(By.ID, "clinic")).select_by_visible_text(str(value))  # type: ignore[attr-defined]
        else:
            field = driver.find_element(By.ID, name)  # type: ignore[attr-defined]
            field.clear()
            field.send_keys(str(value))
    driver.find_element(By.ID, "submit").click()  # type: ignore[attr-defined]


def text_of(driver: object, element: str) -> str:
    """The element's text, once the page that has it has loaded (a click that submits a form
    returns before the next page is there)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as shown
    from selenium.webdriver.support.ui import WebDriverWait

    found = WebDriverWait(driver, 30).until(shown.presence_of_element_located((By.ID, element)))
    return str(found.text)


def test_a_user_asks_corrects_and_the_correction_reaches_the_training_data(
    system: System, browser: object
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    project, url, model = system.project, system.app_url, system.model
    serving = httpx.get(f"{system.model_url}/health", timeout=5).json()
    payloads = json.loads((project / "tests" / "load" / "payload.json").read_text())
    ask(browser, url, payloads[0])
    answer, version = text_of(browser, "answer"), text_of(browser, "model-version")
    request_id = text_of(browser, "request-id")
    assert version == serving["model_version"] and version
    other = next(c for c in ("benign", "malignant") if c != answer)
    Select(browser.find_element(By.ID, "label")).select_by_visible_text(other)  # type: ignore[attr-defined]
    browser.find_element(By.ID, "send-correction").click()  # type: ignore[attr-defined]
    assert "feedback is stored" in text_of(browser, "thanks")

    with sqlite3.connect(project / "logs" / "feedback.sqlite") as db:
        stored = db.execute("SELECT label FROM feedback WHERE request_id = ?", (request_id,))
        assert stored.fetchone() == (other,)
    exported = subprocess.run(
        [sys.executable, "-m", f"{PACKAGE}.feedback"],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(project / "src")},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "1 labelled requests written" in exported.stdout
    labelled = (project / "feedback" / "labelled.csv").read_text().splitlines()
    assert len(labelled) == 2 and labelled[1].endswith(f",{other}")

    # the same user again: the same user id and arm in the service's log
    ask(browser, url, payloads[1])
    second = text_of(browser, "request-id")
    logged = {
        line["request_id"]: line
        for line in map(json.loads, (project / "logs" / "requests.jsonl").read_text().splitlines())
    }
    cookie = browser.get_cookie("user_id")["value"]  # type: ignore[attr-defined]
    assert logged[request_id]["user_id"] == logged[second]["user_id"] == cookie
    assert logged[request_id]["arm"] == logged[second]["arm"] == "control"

    # the model service goes down: the page says so, the app stays up
    processes.stop(model)
    ask(browser, url, payloads[2])
    assert "unavailable" in text_of(browser, "unavailable")
    assert browser.find_elements(By.ID, "submit")  # type: ignore[attr-defined]
    assert httpx.get(f"{url}/health", timeout=5).json()["status"] == "ok"
