"""Markdown and JUnit XML renderings of a report."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from sekit.report import render_junit, render_markdown
from tests.report.test_schema import rich_report


def test_junit_has_one_testcase_per_check_and_per_gate() -> None:
    root = ET.fromstring(render_junit(rich_report()))
    cases = root.findall(".//testcase")
    assert [c.get("name") for c in cases] == [
        "data.missing_values",
        "data.label_drift",
        "load.locust",
        "model.quality",
        "model.accuracy",
        "load.p95_ms",
    ]
    assert root.get("tests") == "6"
    assert root.get("errors") == "1"
    assert root.get("failures") == "1"  # the gate on load.p95_ms, never produced
    assert root.get("skipped") == "1"
    error = root.find(".//testcase[@name='load.locust']/error")
    assert error is not None and "service never came up" in (error.text or "")
    gate = root.find(".//testcase[@name='load.p95_ms']/failure")
    assert gate is not None and "not produced" in gate.get("message", "")


def test_markdown_shows_gates_checks_findings_and_why() -> None:
    text = render_markdown(rich_report())
    assert text.startswith("## sekit: demo — ❌ fail")
    assert "| `model.accuracy` | 0.91 | >= 0.85 | pass |" in text
    assert "**blocked**: not produced by this run" in text
    assert "- warn · `weak_slice` `color`: weak_slice found" in text
    assert "### Why it is blocked" in text
    assert "- check load.locust ended error: service never came up" in text


def test_markdown_escapes_table_pipes() -> None:
    report = rich_report()
    renamed = report.model_copy(
        update={"project": report.project.model_copy(update={"name": "a|b"})}
    )
    assert "a\\|b" in render_markdown(renamed)


def test_markdown_explains_the_kinds_it_shows() -> None:
    text = render_markdown(rich_report())
    assert "> **weak_slice**: An average can hide a group" in text
    assert "(`sekit explain weak_slice`)" in text
