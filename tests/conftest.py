"""Shared fixtures: file trees from dicts, an isolated check registry, the CLI runner."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from sekit import checks as registry

pytest_plugins = ["pytester"]


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
def isolated_registry(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, registry.Check]]:
    """An empty check registry: no built-in suites, no plugins. Restored afterwards."""
    saved = dict(registry.REGISTRY)
    registry.REGISTRY.clear()
    monkeypatch.setattr(registry, "BUILTIN_SUITES", {})
    monkeypatch.setattr(registry, "_loaded", {"plugins"})
    yield registry.REGISTRY
    registry.REGISTRY.clear()
    registry.REGISTRY.update(saved)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(autouse=True)
def _no_ambient_ci_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests must not append to a real GitHub step summary, nor inherit colours."""
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.delenv("SEKIT_DEBUG", raising=False)
    if "FORCE_COLOR" in os.environ:
        monkeypatch.delenv("FORCE_COLOR")


@pytest.fixture(scope="session")
def clean() -> object:
    """A fitted, monotone, well-behaved classifier on the breast cancer data (see models.py)."""
    from tests.checks.model.models import clean_model

    return clean_model()
