"""The report as Markdown: for pull requests, ``$GITHUB_STEP_SUMMARY`` and READMEs."""

from __future__ import annotations

from sekit.explain import why
from sekit.report.model import Report
from sekit.results import Status

_ICON = {"pass": "✅", "warn": "⚠️", "fail": "❌", "error": "💥", "skipped": "⏭️"}
MAX_FINDINGS = 10


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.4g}"


def render_markdown(report: Report) -> str:
    verdict = "✅ pass" if report.verdict == "pass" else "❌ fail"
    lines = [f"## sekit: {_cell(report.project.name)} — {verdict}", ""]
    if report.release:
        lines += [f"**Release: {report.release.decision}**", ""]
        lines += [f"- {_cell(reason)}" for reason in report.release.reasons] + [""]
    if report.gates:
        lines += ["### Gates", "", "| metric | value | bound | result |", "|---|---|---|---|"]
        for gate in report.gates:
            result = "pass" if gate.passed else f"**blocked**: {_cell(gate.reason)}"
            lines.append(f"| `{gate.metric}` | {_number(gate.value)} | {gate.bound} | {result} |")
        lines.append("")
    if report.checks:
        lines += ["### Checks", "", "| check | status | time | summary |", "|---|---|---|---|"]
        for check in report.checks:
            icon = _ICON[check.status.value]
            lines.append(
                f"| `{check.id}` | {icon} {check.status.value} | "
                f"{check.duration_s:.2f}s | {_cell(check.summary)} |"
            )
        lines.append("")
    flagged = [c for c in report.checks if c.status in (Status.FAIL, Status.ERROR, Status.WARN)]
    if flagged:
        lines += ["### Findings", ""]
        for check in flagged:
            lines.append(f"**`{check.id}`** ({check.status.value})")
            lines.append("")
            shown = [f for f in check.findings if f.severity.value != "info"][:MAX_FINDINGS]
            for finding in shown:
                column = f" `{_cell(finding.column)}`" if finding.column else ""
                lines.append(
                    f"- {finding.severity.value} · `{finding.kind}`{column}: "
                    f"{_cell(finding.message)}"
                )
            hidden = len(check.findings) - len(shown)
            if hidden > 0:
                lines.append(f"- … and {hidden} more in `.sekit/report.json`")
            lines.append("")
            for kind in dict.fromkeys(f.kind for f in shown):
                reason = why(kind)
                if reason:
                    lines.append(f"> **{kind}**: {reason} (`sekit explain {kind}`)")
                    lines.append("")
    if report.metrics:
        lines += ["<details><summary>Metrics</summary>", "", "| metric | value |", "|---|---|"]
        lines += [f"| `{name}` | {_number(value)} |" for name, value in report.metrics.items()]
        lines += ["", "</details>", ""]
    if report.provenance:
        from sekit.provenance import describe

        lines += ["<details><summary>Provenance</summary>", ""]
        lines += [f"- {_cell(line)}" for line in describe(report.provenance)]
        lines += ["", "</details>", ""]
    blocking = report.blocking()
    if blocking:
        lines += ["### Why it is blocked", ""] + [f"- {_cell(r)}" for r in blocking] + [""]
    lines.append(f"<sub>sekit {report.sekit_version} · {report.created}</sub>")
    return "\n".join(lines) + "\n"
