"""Every command's exit codes, in-process, with the lines that matter."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from sekit.checks.context import Context
from sekit.checks.suite import Suite
from sekit.errors import DataLoadError
from sekit.results import CheckResult, Finding, Severity
from sekit_cli.app import cli
from tests.helpers import MINIMAL_CONFIG, fake_check, finding

Tree = Callable[[dict[str, str | bytes]], Path]


@pytest.fixture
def project(tree: Tree, isolated_suites: dict[str, Suite], monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tree({"sekit.toml": MINIMAL_CONFIG + '[gates]\n"data.rows" = { min = 10 }\n'})
    monkeypatch.chdir(root)
    return root


def test_check_passes_with_0(project: Path, runner: CliRunner) -> None:
    fake_check("data.rows", metrics={"rows": 100})
    result = runner.invoke(cli, ["check", "data"])
    assert result.exit_code == 0, result.output
    assert "data.rows" in result.stdout
    assert result.stdout.rstrip().endswith("PASS")
    assert (project / ".sekit" / "report.json").is_file()


def test_check_fails_with_1_and_points_to_explain(project: Path, runner: CliRunner) -> None:
    fake_check("data.drift", findings=[finding("drift", column="alcohol")])
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 1
    assert "drift alcohol: drift found" in result.stdout
    assert "Learn more: sekit explain drift" in result.stdout


def test_gate_blocks_with_1_when_a_bound_is_missed(project: Path, runner: CliRunner) -> None:
    fake_check("data.rows", metrics={"rows": 3})
    result = runner.invoke(cli, ["gate"])
    assert result.exit_code == 1
    assert "BLOCKED: deployment must stop" in result.stdout
    assert "gate data.rows: 3 is below the minimum 10" in result.stdout


def test_gate_passes_with_0(project: Path, runner: CliRunner) -> None:
    fake_check("data.rows", metrics={"rows": 30})
    result = runner.invoke(cli, ["gate", "--format", "json"])
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["verdict"] == "pass"
    assert document["gates"] == [
        {
            "metric": "data.rows",
            "min": 10.0,
            "max": None,
            "value": 30.0,
            "passed": True,
            "reason": "",
        }
    ]


def test_gate_blocks_when_the_gated_metric_is_missing(project: Path, runner: CliRunner) -> None:
    fake_check("data.other", metrics={"something": 1})
    result = runner.invoke(cli, ["gate"])
    assert result.exit_code == 1
    assert "data.rows: not produced by this run (fail closed)" in result.stdout


def test_gate_never_passes_when_a_check_crashes(project: Path, runner: CliRunner) -> None:
    def crash(ctx: Context) -> CheckResult:
        raise RuntimeError("bug in the check")

    fake_check("data.rows", metrics={"rows": 100})
    fake_check("data.crash", crash)
    result = runner.invoke(cli, ["gate"])
    assert result.exit_code == 1
    assert (
        "check data.crash ended error: the check crashed: RuntimeError: bug in the check"
        in result.stdout
    )


def test_input_errors_exit_2_with_one_line(project: Path, runner: CliRunner) -> None:
    def missing(ctx: Context) -> CheckResult:
        raise DataLoadError(
            "data/train.csv", "file not found", key="data.train", hint="run the pipeline first"
        )

    fake_check("data.a", missing)
    fake_check("data.b", missing)
    result = runner.invoke(cli, ["gate"])
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("sekit: error")]
    assert errors == [
        "sekit: error: data/train.csv (data.train): file not found; run the pipeline first"
    ]
    assert "Traceback" not in result.output


def test_gate_on_a_saved_report_re_evaluates_with_the_current_config(
    project: Path, runner: CliRunner
) -> None:
    fake_check("data.rows", metrics={"rows": 30})
    assert runner.invoke(cli, ["check"]).exit_code == 0
    (project / "sekit.toml").write_text(MINIMAL_CONFIG + '[gates]\n"data.rows" = { min = 50 }\n')
    result = runner.invoke(cli, ["gate", "--report", ".sekit/report.json"])
    assert result.exit_code == 1
    assert "30 is below the minimum 50" in result.stdout


def test_report_renders_the_saved_report_in_every_format(project: Path, runner: CliRunner) -> None:
    fake_check("data.drift", findings=[finding("drift", "warn")])
    assert runner.invoke(cli, ["check"]).exit_code == 0
    assert runner.invoke(cli, ["report"]).exit_code == 0
    md = runner.invoke(cli, ["report", "--format", "markdown"])
    assert md.stdout.startswith("## sekit: demo")
    junit = runner.invoke(cli, ["report", "--format", "junit", "-o", "junit.xml"])
    assert junit.exit_code == 0
    assert (project / "junit.xml").read_text().startswith('<?xml version="1.0"')


def test_report_of_a_garbled_file_exits_2(project: Path, runner: CliRunner) -> None:
    (project / "bad.json").write_text("{not json")
    result = runner.invoke(cli, ["report", "bad.json"])
    assert result.exit_code == 2
    assert result.stderr == (
        "sekit: error: bad.json: not valid JSON (line 1, column 2); "
        "was the report written by sekit?\n"
    )


def test_internal_errors_exit_3_with_traceback_only_under_debug(
    project: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sekit.runner

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("unexpected")

    monkeypatch.setattr(sekit.runner, "run", explode)
    quiet = runner.invoke(cli, ["check"])
    assert quiet.exit_code == 3
    assert "sekit: internal error: RuntimeError: unexpected" in quiet.stderr
    assert "Traceback" not in quiet.stderr
    loud = runner.invoke(cli, ["--debug", "check"])
    assert loud.exit_code == 3
    assert "Traceback (most recent call last)" in loud.stderr


def test_ctrl_c_exits_130(project: Path, runner: CliRunner) -> None:
    def interrupted(ctx: Context) -> CheckResult:
        raise KeyboardInterrupt

    fake_check("data.a", interrupted)
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 130
    assert "interrupted" in result.stderr


def test_usage_errors_exit_2(project: Path, runner: CliRunner) -> None:
    assert runner.invoke(cli, ["check", "everything"]).exit_code == 2
    assert runner.invoke(cli, ["gate", "--timeout", "-1"]).exit_code == 2
    assert runner.invoke(cli, ["nonsense"]).exit_code == 2
    result = runner.invoke(cli, ["check", "model"])
    assert result.exit_code == 2
    assert "cannot run the model checks: the config has no [model] table" in result.stderr


def test_step_summary_is_appended_under_github_actions(
    project: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = project / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    fake_check("data.rows", metrics={"rows": 30})
    assert runner.invoke(cli, ["gate"]).exit_code == 0
    text = summary.read_text()
    assert text.startswith("earlier step\n## sekit: demo — ✅ pass")


def test_no_color_and_non_terminal_output_have_no_escape_codes(
    project: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_check("data.drift", findings=[finding("drift")])
    monkeypatch.setenv("NO_COLOR", "1")
    result = runner.invoke(cli, ["check"])
    assert "\x1b[" not in result.output


def test_quiet_prints_only_the_verdict(project: Path, runner: CliRunner) -> None:
    fake_check("data.rows", metrics={"rows": 30})
    result = runner.invoke(cli, ["gate", "--quiet"])
    assert result.exit_code == 0
    assert result.stdout == "PASS: deployment may proceed\n"
    assert result.stderr == ""


def test_config_validate_and_schema(project: Path, runner: CliRunner) -> None:
    (project / "train.csv").write_text("a\n1\n")
    result = runner.invoke(cli, ["config", "validate"])
    assert result.exit_code == 0, result.output
    assert "valid ([data]; 1 gates)" in result.stdout
    schema = json.loads(runner.invoke(cli, ["config", "schema"]).stdout)
    assert schema["title"] == "sekit.toml"
    assert {"project", "data", "model", "gates", "severity"} <= set(schema["properties"])


def test_config_validate_no_files(project: Path, runner: CliRunner) -> None:
    assert runner.invoke(cli, ["config", "validate"]).exit_code == 2
    assert runner.invoke(cli, ["config", "validate", "--no-files"]).exit_code == 0


def test_check_list(project: Path, runner: CliRunner) -> None:
    fake_check("data.rows")
    result = runner.invoke(cli, ["check", "--list"])
    assert result.exit_code == 0
    assert result.stdout.split() == ["data.rows", "native", "fake", "data.rows"]


def test_a_finding_names_its_column_and_rows_on_the_terminal(
    project: Path, runner: CliRunner
) -> None:
    """Tutorial, Tuesday: 'a finding names the column and the rows' (they were only in the
    JSON report)."""
    out_of_range = Finding(
        kind="out_of_range",
        severity=Severity.FAIL,
        message="3 values of 'age' are above the max 120",
        column="age",
        evidence={"rows": [3, 17, 40], "dataset": "train"},
    )
    fake_check("data.out_of_range", findings=[out_of_range])
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 1
    assert (
        "out_of_range age: 3 values of 'age' are above the max 120 (rows of train: 3, 17, 40)"
        in (result.stdout)
    )
