"""Checks from other packages (entry-point group ``sekit.checks``) register like built-in ones."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import sekit.checks as registry
from sekit.config import load_config
from sekit.errors import SekitError
from sekit.results import CheckResult
from sekit.runner import run_checks
from tests.helpers import MINIMAL_CONFIG


class FakeEntryPoint:
    def __init__(self, value: str, load: Callable[[], object]) -> None:
        self.value = value
        self.load = load


def plugin_module() -> object:
    registry.check("data.team_rule", title="a team's own data rule")(
        lambda ctx: CheckResult.from_findings(
            id="data.team_rule", suite="data", metrics={"team_rule": 1.0}
        )
    )
    return object()


@pytest.fixture
def plugins(
    isolated_registry: dict[str, registry.Check], monkeypatch: pytest.MonkeyPatch
) -> Callable[[list[FakeEntryPoint]], None]:
    def install(points: list[FakeEntryPoint]) -> None:
        monkeypatch.setattr(registry, "_loaded", set())
        monkeypatch.setattr(
            registry, "entry_points", lambda group: points if group == "sekit.checks" else []
        )

    return install


def test_a_plugin_check_runs_with_the_others(
    plugins: Callable[..., None], tree: Callable[[dict[str, str | bytes]], Path]
) -> None:
    plugins([FakeEntryPoint("team_checks", plugin_module)])
    root = tree({"sekit.toml": MINIMAL_CONFIG})
    [result] = run_checks(load_config(root))
    assert result.id == "data.team_rule"
    assert result.qualified_metrics() == {"data.team_rule": 1.0}


def test_a_broken_plugin_is_a_clear_error(
    plugins: Callable[..., None], tree: Callable[[dict[str, str | bytes]], Path]
) -> None:
    def broken() -> object:
        raise ImportError("No module named 'pandas_profiling'")

    plugins([FakeEntryPoint("team_checks", broken)])
    root = tree({"sekit.toml": MINIMAL_CONFIG})
    with pytest.raises(
        SekitError,
        match=r"the sekit check plugin 'team_checks' failed to "
        r"load: No module named 'pandas_profiling'",
    ):
        run_checks(load_config(root))
