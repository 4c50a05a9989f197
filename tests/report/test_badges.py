"""README badges from a saved report: only the block between the markers changes, numbers
are what the report measured, and a README without the block is an error that loses nothing."""

# ruff: noqa: E501  (cases as data: one per line)
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sekit.report import ProjectInfo, Report, save_report
from sekit.report.badges import END, START, NoBadgeBlock, badges, update_readme
from sekit_cli.app import cli

README = (
    f"# team\n\nIntro.\n\n{START}\n![old](https://img.shields.io/badge/x-1-red)\n{END}\n\nRest.\n"
)


def report(**metrics: float | None) -> Report:
    return Report(project=ProjectInfo(name="t", root="."), verdict="pass", metrics=metrics)


CASES = [
    # (metrics, the badges' alt texts)
    ({"tests.coverage": 0.882, "tests.count": 37.0, "tests.failures": 0.0}, ["coverage: 88%", "tests: 37 passed"]),
    ({"tests.coverage": 0.41, "tests.count": 10.0, "tests.failures": 2.0}, ["coverage: 41%", "tests: 2 of 10 failed"]),
    ({"tests.coverage": None}, ["coverage: not measured"]),
    ({"data.rows": 100.0}, []),
]  # fmt: skip


@pytest.mark.parametrize(("metrics", "alts"), CASES)
def test_badges_say_what_the_report_measured(
    metrics: dict[str, float | None], alts: list[str]
) -> None:
    made = badges(report(**metrics))
    assert [line.split("](")[0].removeprefix("![") for line in made] == alts


def test_the_url_escapes_shields_separators() -> None:
    (made,) = badges(report(**{"tests.coverage": 0.5}))
    assert made.endswith("(https://img.shields.io/badge/coverage-50%25-red)")


def test_only_the_block_changes() -> None:
    updated = update_readme(README, report(**{"tests.coverage": 0.9}))
    assert updated.split(START)[0] == README.split(START)[0]
    assert updated.split(END)[1] == README.split(END)[1]
    assert "old" not in updated and "coverage-90%25-brightgreen" in updated
    assert update_readme(updated, report(**{"tests.coverage": 0.9})) == updated


@pytest.mark.parametrize("text", ["# no block\n", f"{END}\n{START}\n"])
def test_a_readme_without_the_block_is_refused(text: str) -> None:
    with pytest.raises(NoBadgeBlock):
        update_readme(text, report())


def test_sekit_report_readme_writes_the_badges(tmp_path: Path, runner: CliRunner) -> None:
    saved = save_report(report(**{"tests.coverage": 0.75}), tmp_path / "report.json")
    readme = tmp_path / "README.md"
    readme.write_text(README)
    result = runner.invoke(cli, ["report", str(saved), "--readme", str(readme)])
    assert result.exit_code == 0, result.output
    assert "coverage-75%25-yellow" in readme.read_text()

    plain = tmp_path / "PLAIN.md"
    plain.write_text("# no block\n")
    result = runner.invoke(cli, ["report", str(saved), "--readme", str(plain)])
    assert result.exit_code == 2
    assert "PLAIN.md: no badge block" in result.output
    assert plain.read_text() == "# no block\n"
