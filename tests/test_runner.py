"""The runner: isolation, time limits, input errors, severities, selection."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from sekit.checks.context import Context
from sekit.checks.suite import Suite
from sekit.config.loader import load_config
from sekit.errors import ConfigError, DataLoadError, MissingExtraError, UsageError
from sekit.results import CheckResult, Status
from sekit.runner import Progress, run, run_checks, select_checks
from tests.helpers import MINIMAL_CONFIG, fake_check, finding

Tree = Callable[[dict[str, str | bytes]], Path]


@pytest.fixture
def project(tree: Tree, isolated_suites: dict[str, Suite]) -> Path:
    return tree({"sekit.toml": MINIMAL_CONFIG})


def test_a_check_that_raises_becomes_an_error_and_the_others_still_run(project: Path) -> None:
    def crash(ctx: Context) -> CheckResult:
        raise ZeroDivisionError("division by zero")

    fake_check("data.before", metrics={"rows": 3})
    fake_check("data.crashes", crash)
    fake_check("data.after", findings=[finding("drift", "warn")])
    results = run_checks(load_config(project))
    assert [r.status for r in results] == [Status.PASS, Status.ERROR, Status.WARN]
    [error] = results[1].findings
    assert error.kind == "check_error"
    assert error.evidence["cause"] == "internal"
    assert "ZeroDivisionError: division by zero" in error.message
    assert "Traceback" in error.evidence["traceback"]


def test_a_check_over_its_time_limit_is_interrupted(project: Path) -> None:
    cleaned_up = []

    def slow(ctx: Context) -> CheckResult:
        try:
            time.sleep(30)
        finally:
            cleaned_up.append(True)  # e.g. stopping a service
        raise AssertionError("not reached")

    fake_check("data.slow", slow)
    fake_check("data.fast")
    start = time.perf_counter()
    slow_result, fast_result = run_checks(load_config(project), timeout=0.3)
    assert time.perf_counter() - start < 10
    assert slow_result.status is Status.ERROR
    assert slow_result.findings[0].evidence["cause"] == "timeout"
    assert "timed out after 0.3s" in slow_result.summary
    assert cleaned_up == [True]
    assert fast_result.status is Status.PASS


def test_a_timeout_cannot_be_swallowed_by_the_check(project: Path) -> None:
    def stubborn(ctx: Context) -> CheckResult:
        with contextlib.suppress(Exception):  # what Hypothesis or pandas would do
            time.sleep(30)
        return CheckResult.from_findings(id="data.stubborn", suite="data")

    fake_check("data.stubborn", stubborn)
    [result] = run_checks(load_config(project), timeout=0.2)
    assert result.status is Status.ERROR


def test_unusable_input_is_an_input_error(project: Path) -> None:
    def bad_input(ctx: Context) -> CheckResult:
        raise DataLoadError(ctx.config.root / "train.csv", "file not found", key="data.train")

    fake_check("data.needs_input", bad_input)
    report = run(load_config(project), save=False)
    assert report.verdict == "fail"
    assert report.exit_code == 2
    assert report.input_errors == [f"{project.resolve()}/train.csv (data.train): file not found"]


def test_shared_resources_load_once_and_share_their_error(project: Path) -> None:
    calls = []

    def load() -> int:
        calls.append(1)
        raise DataLoadError("train.csv", "empty file")

    def uses(ctx: Context) -> CheckResult:
        ctx.shared("frames", load)
        raise AssertionError("not reached")

    fake_check("data.one", uses)
    fake_check("data.two", uses)
    results = run_checks(load_config(project))
    assert calls == [1]
    # reported once, by the check that loaded it; the other one did not run, and says who did
    assert [r.status for r in results] == [Status.ERROR, Status.ERROR]
    assert [f.message for f in results[0].findings] == ["train.csv: empty file"]
    assert results[1].findings == ()
    assert results[1].summary == ("not run: its input could not be loaded (reported by data.one)")


def test_a_wrong_return_value_is_an_internal_error(project: Path) -> None:
    fake_check("data.returns_none", lambda ctx: None)  # type: ignore[arg-type,return-value]
    [result] = run_checks(load_config(project))
    assert result.status is Status.ERROR
    assert "returned NoneType" in result.summary


def test_severity_overrides_apply_from_the_config(
    tree: Tree, isolated_suites: dict[str, Suite]
) -> None:
    root = tree({"sekit.toml": MINIMAL_CONFIG + '[severity]\noutliers = "info"\n'})
    fake_check("data.outliers", findings=[finding("outliers", "fail")])
    [result] = run_checks(load_config(root))
    assert result.status is Status.PASS
    assert result.findings[0].severity.value == "info"


def test_disabled_checks_are_skipped_and_unknown_ids_rejected(
    tree: Tree, isolated_suites: dict[str, Suite]
) -> None:
    root = tree({"sekit.toml": MINIMAL_CONFIG + '[checks]\ndisable = ["data.outliers"]\n'})
    fake_check("data.outliers", findings=[finding("outliers")])
    [result] = run_checks(load_config(root))
    assert result.status is Status.SKIPPED
    (root / "sekit.toml").write_text(MINIMAL_CONFIG + '[checks]\ndisable = ["data.outlier"]\n')
    with pytest.raises(ConfigError, match=r"checks.disable: .*did you mean 'data\.outliers'"):
        run_checks(load_config(root))


def test_progress_events_bracket_every_check(project: Path) -> None:
    fake_check("data.a")
    fake_check("data.b")
    events: list[Progress] = []
    run_checks(load_config(project), progress=events.append)
    assert [(e.check.id, e.result is not None) for e in events] == [
        ("data.a", False),
        ("data.a", True),
        ("data.b", False),
        ("data.b", True),
    ]


def test_selecting_a_suite_the_config_lacks_is_a_usage_error(project: Path) -> None:
    with pytest.raises(
        UsageError,
        match=r"cannot run the model checks: the config has no "
        r"\[model\] table",
    ):
        select_checks(load_config(project), ["model"], "native")


def test_nothing_configured_is_a_usage_error(tree: Tree, isolated_suites: dict[str, Suite]) -> None:
    root = tree({"sekit.toml": '[project]\nname = "x"\n'})
    with pytest.raises(UsageError, match="nothing to check"):
        select_checks(load_config(root), None, "native")


def test_engines_filter_checks_and_a_missing_extra_says_how_to_install(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    fake_check("data.native")
    fake_check("data.dc", engine="deepchecks")
    config = load_config(project)
    assert [c.id for c in select_checks(config, None, "native")] == ["data.native"]
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: object())
    assert [c.id for c in select_checks(config, None, "deepchecks")] == ["data.dc"]
    assert [c.id for c in select_checks(config, None, "all")] == ["data.native", "data.dc"]
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(MissingExtraError) as info:
        select_checks(config, None, "deepchecks")
    assert "pip install 'sekit-ml[deepchecks]'" in str(info.value)


def test_run_saves_the_report(project: Path) -> None:
    fake_check("data.a", metrics={"rows": 5})
    report = run(load_config(project))
    saved = (project / ".sekit" / "report.json").read_text()
    assert '"data.rows": 5.0' in saved
    assert report.verdict == "pass"


@pytest.mark.parametrize(
    ("suite", "monitor_log", "experiment_log"),
    [("monitor", True, False), ("experiment", False, True), (None, True, True)],
)
def test_an_option_two_suites_declare_goes_to_the_suite_named(
    tmp_path: Path, suite: str | None, monitor_log: bool, experiment_log: bool
) -> None:
    """`--log` is the monitor's and the experiment's: `sekit check monitor --log X` must not
    be refused as the experiment's option, and neither suite gets the other's value."""
    from sekit.checks.experiment.options import ExperimentOptions
    from sekit.checks.monitor.options import MonitorOptions
    from sekit.runner import run_options

    log = tmp_path / "requests.jsonl"
    options = run_options(suite=suite, given={"log": log})
    assert (options.of(MonitorOptions).log == log) is monitor_log
    assert (options.of(ExperimentOptions).log == log) is experiment_log
