"""The report as JUnit XML: one testcase per check, and one per gate (GitLab, Jenkins)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import groupby

from sekit.checks.kinds import CHECK_ERROR
from sekit.report.model import Report
from sekit.results import CheckResult, Status


def _finding_text(check: CheckResult) -> str:
    lines = [
        f"[{f.severity.value}] {f.kind}" + (f" ({f.column})" if f.column else "") + f": {f.message}"
        for f in check.findings
    ]
    return "\n".join(lines)


def render_junit(report: Report) -> str:
    root = ET.Element("testsuites", name=f"sekit: {report.project.name}")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    by_suite = groupby(sorted(report.checks, key=lambda c: c.suite), key=lambda c: c.suite)
    for suite, group in by_suite:
        checks = list(group)
        node = ET.SubElement(root, "testsuite", name=suite)
        counts = {"tests": len(checks), "failures": 0, "errors": 0, "skipped": 0}
        for check in checks:
            case = ET.SubElement(
                node,
                "testcase",
                classname=f"sekit.{suite}",
                name=check.id,
                time=f"{check.duration_s:.3f}",
            )
            if check.status is Status.FAIL:
                counts["failures"] += 1
                failure = ET.SubElement(case, "failure", message=check.summary, type="fail")
                failure.text = _finding_text(check)
            elif check.status is Status.ERROR:
                counts["errors"] += 1
                error = ET.SubElement(case, "error", message=check.summary, type=CHECK_ERROR.name)
                error.text = _finding_text(check)
            elif check.status is Status.SKIPPED:
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=check.summary)
            elif check.findings:
                out = ET.SubElement(case, "system-out")
                out.text = _finding_text(check)
        node.set("time", f"{sum(c.duration_s for c in checks):.3f}")
        for key, value in counts.items():
            node.set(key, str(value))
            totals[key] += value
    if report.gates:
        node = ET.SubElement(root, "testsuite", name="gates")
        failures = 0
        for gate in report.gates:
            case = ET.SubElement(
                node, "testcase", classname="sekit.gates", name=gate.metric, time="0"
            )
            if not gate.passed:
                failures += 1
                ET.SubElement(case, "failure", message=f"{gate.metric}: {gate.reason}", type="gate")
        node.set("tests", str(len(report.gates)))
        node.set("failures", str(failures))
        node.set("errors", "0")
        node.set("skipped", "0")
        totals["tests"] += len(report.gates)
        totals["failures"] += failures
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
