"""Shared fixtures: file trees from dicts, an isolated check registry, the CLI runner."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from sekit import checks as registry
from sekit.checks.suite import Suite
from tests.helpers import Bucket

pytest_plugins = ["pytester"]

# what a slow test needs beyond sekit's own packages (deepchecks: an extra, in its own world)
NEEDS = ("services", "prometheus", "bwrap", "browser", "venv", "deepchecks", "llm")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that needs a service, a system tool or a new environment is slow by that alone,
    so `-m "not slow"` runs on a laptop with Python packages only."""
    for item in items:
        if any(item.get_closest_marker(name) for name in NEEDS):
            item.add_marker(pytest.mark.slow)


def make_tree(tree: dict[str, str | bytes], root: Path) -> Path:
    """Write ``{relative path: content}`` under ``root``; str content is dedented."""
    for relative, content in tree.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8")
    return root


@pytest.fixture
def tree(tmp_path: Path) -> Callable[[dict[str, str | bytes]], Path]:
    return lambda files: make_tree(files, tmp_path)


@pytest.fixture
def isolated_suites() -> Iterator[dict[str, Suite]]:
    """The built-in suites' declarations with no checks in them (``fake_check`` adds some),
    and no plugins. Discovery is restored afterwards."""
    found = {
        name: dataclasses.replace(suite, checks=Bucket())
        for name, suite in registry.suites().items()
    }
    registry.use(found)
    yield found
    registry.use(None)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(autouse=True)
def _no_ambient_ci_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests must not append to a real GitHub step summary, nor inherit colours or a terminal
    width (pytest-xdist's workers have COLUMNS=80)."""
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("SEKIT_DEBUG", raising=False)
    if "FORCE_COLOR" in os.environ:
        monkeypatch.delenv("FORCE_COLOR")


@pytest.fixture(scope="session")
def clean() -> object:
    """A fitted, monotone, well-behaved classifier on the breast cancer data (see models.py)."""
    from tests.checks.model.models import clean_model

    return clean_model()


EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@contextlib.contextmanager
def shared(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[tuple[Path, bool]]:
    """A folder every pytest-xdist worker of this run shares, and whether it is ready: the
    first worker to take the lock builds it, the others wait and reuse it."""
    import fcntl

    # under pytest-xdist each worker's base folder is in the run's folder, which they share;
    # without workers the base folder is the run's own (its parent outlives the run)
    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        folder = root / name
        ready = (folder / ".built").exists()
        yield folder, ready
        if not ready:
            (folder / ".built").touch()


@pytest.fixture(scope="session")
def trained_example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """examples/classification trained once per test run by its DVC pipeline (every worker
    shares it): copy it, never change it."""
    from tests.helpers import dvc_repro

    with shared(tmp_path_factory, "trained-classification") as (folder, ready):
        project = folder / "project"
        if not ready:
            if folder.exists():
                shutil.rmtree(folder)
            shutil.copytree(EXAMPLES / "classification", project)
            dvc_repro(project)
    return project


# Debian's chromium and its driver (apt): Selenium is given both paths, so Selenium Manager
# never looks for (or downloads) a browser or a driver.
CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


@pytest.fixture
def browser() -> Iterator[object]:
    """A real headless chromium (Debian's), driven by Selenium."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
