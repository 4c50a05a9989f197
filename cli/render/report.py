"""The report in the terminal: checks, findings, gates, the verdict and what to do next."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sekit.report import Report
from sekit.results import CheckResult, Status

MAX_FINDINGS = 5


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.4g}"


def _status(status: Status) -> str:
    return f"[{status.value}]{status.value}[/]"


def checks_table(report: Report) -> Table:
    table = Table(title=f"sekit checks: {escape(report.project.name)}", title_justify="left")
    table.add_column("check", no_wrap=True)
    table.add_column("status")
    table.add_column("time", justify="right")
    table.add_column("summary")
    for check in report.checks:
        table.add_row(
            check.id, _status(check.status), f"{check.duration_s:.2f}s", escape(check.summary)
        )
    return table


def gates_table(report: Report) -> Table:
    table = Table(title="gates", title_justify="left")
    table.add_column("metric", no_wrap=True)
    table.add_column("value", justify="right")
    table.add_column("bound")
    table.add_column("result")
    for gate in report.gates:
        result = "[pass]pass[/]" if gate.passed else f"[fail]blocked[/]: {escape(gate.reason)}"
        table.add_row(gate.metric, _number(gate.value), gate.bound, result)
    return table


def _findings(out: Console, check: CheckResult, verbose: bool) -> None:
    shown = [f for f in check.findings if verbose or f.severity.value != "info"]
    limit = len(shown) if verbose else MAX_FINDINGS
    out.print(f"[bold]{check.id}[/] {_status(check.status)}")
    for finding in shown[:limit]:
        column = f" [muted]{escape(finding.column)}[/]" if finding.column else ""
        out.print(
            f"  [{finding.severity.value}]{finding.severity.value:>4}[/] "
            f"{finding.kind}{column}: {escape(finding.message)}{_rows(finding.evidence)}",
            soft_wrap=True,  # one line per finding: a log can be searched, a terminal wraps
        )
    if len(shown) > limit:
        out.print(f"  [muted]… {len(shown) - limit} more (--verbose, or .sekit/report.json)[/]")


def _rows(evidence: dict[str, object]) -> str:
    """The example rows a finding names (0-based rows of its data set), as the report keeps
    them: a finding names the column and the rows."""
    rows = evidence.get("rows")
    if not isinstance(rows, list) or not rows:
        return ""
    shown = ", ".join(escape(str(row)) for row in rows)
    dataset = evidence.get("dataset")
    where = f" of {escape(str(dataset))}" if isinstance(dataset, str) else ""
    return f" [muted](rows{where}: {shown})[/]"


def print_report(
    out: Console, report: Report, *, gates: bool, verbose: bool = False, quiet: bool = False
) -> None:
    """The whole report for people: tables unless ``quiet``, then the verdict line."""
    if not quiet:
        if report.checks:
            out.print(checks_table(report))
        flagged = [
            c
            for c in report.checks
            if c.status in (Status.FAIL, Status.ERROR, Status.WARN) or (verbose and c.findings)
        ]
        if flagged:
            out.print()
            for check in flagged:
                _findings(out, check, verbose)
        if gates and report.gates:
            out.print()
            out.print(gates_table(report))
        out.print()
    print_verdict(out, report, gates=gates)


def print_verdict(out: Console, report: Report, *, gates: bool) -> None:
    passed = report.verdict == "pass"
    if gates:
        label = (
            "[pass]PASS[/]: deployment may proceed"
            if passed
            else "[fail]BLOCKED[/]: deployment must stop"
        )
    else:
        label = "[pass]PASS[/]" if passed else "[fail]FAIL[/]"
    out.print(label)
    if report.release:
        rollback = not report.release.promote
        out.print(
            f"Release: {'[fail]ROLL BACK[/]' if rollback else '[pass]PROMOTE[/]'}"
            + ("" if rollback else f" ({escape('; '.join(report.release.reasons))})")
        )
    for reason in report.blocking():
        out.print(f"  - {escape(reason)}", soft_wrap=True)
    kinds = sorted(
        {
            f.kind
            for c in report.checks
            if c.status.blocks or c.status is Status.WARN
            for f in c.findings
            if f.severity.value != "info"
        }
    )
    if kinds:
        out.print(f"[muted]Learn more: sekit explain {' '.join(kinds)}[/]")
