"""Showing a report: on the terminal, as JSON/Markdown/JUnit, and in GitHub's step summary."""

from __future__ import annotations

import os
from pathlib import Path

import click

from sekit.report import Report, render
from sekit_cli.render.console import console
from sekit_cli.render.report import print_report


def emit(report: Report, *, fmt: str, gates: bool, quiet: bool, verbose: bool = False) -> int:
    """Print the report in ``fmt`` and return the exit code it implies."""
    for message in report.input_errors:
        click.echo(f"sekit: error: {message}", err=True)
    if fmt == "table":
        print_report(console(), report, gates=gates, verbose=verbose, quiet=quiet)
    else:
        click.echo(render(report, fmt), nl=False)
    append_step_summary(report)
    return report.exit_code


def append_step_summary(report: Report) -> None:
    """Append the Markdown report to ``$GITHUB_STEP_SUMMARY`` when GitHub Actions sets it."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    try:
        with Path(target).open("a", encoding="utf-8") as handle:
            handle.write(render(report, "markdown"))
    except OSError as exc:
        click.echo(f"sekit: warning: cannot write GITHUB_STEP_SUMMARY ({exc.strerror})", err=True)
