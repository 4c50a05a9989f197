"""Reports: the model, saving/loading, and renderers that do not need a terminal."""

from __future__ import annotations

from sekit.report.io import default_report_path, load_report, save_report, to_json
from sekit.report.junit import render_junit
from sekit.report.markdown import render_markdown
from sekit.report.model import GateResult, ProjectInfo, Report

FORMATS = ("json", "markdown", "junit", "html")


def render(report: Report, fmt: str) -> str:
    """The report as text in one of :data:`FORMATS`."""
    if fmt == "json":
        return to_json(report)
    if fmt == "markdown":
        return render_markdown(report)
    if fmt == "junit":
        return render_junit(report)
    if fmt == "html":
        from sekit.report.html import render_html

        return render_html(report)
    raise ValueError(f"unknown report format {fmt!r}")


__all__ = [
    "FORMATS",
    "GateResult",
    "ProjectInfo",
    "Report",
    "default_report_path",
    "load_report",
    "render",
    "render_junit",
    "render_markdown",
    "save_report",
]
