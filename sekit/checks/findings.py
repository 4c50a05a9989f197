"""Helpers for building findings and results, shared by every suite."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sekit.checks.kinds import INVALID_LOG_LINES
from sekit.results import Finding, Outcome, Severity

if TYPE_CHECKING:
    import pandas as pd

    from sekit.checks.spec import Kind
    from sekit.subjects.servedlog import Problems

EXAMPLES = 10


def example_rows(mask: pd.Series, limit: int = EXAMPLES) -> list[Any]:
    """The first row labels where ``mask`` is true (0-based positions for a RangeIndex)."""
    return [_plain(i) for i in mask.index[mask.to_numpy()][:limit]]


def _plain(value: Any) -> Any:
    item = getattr(value, "item", None)
    return item() if callable(item) else value


def percent(share: float) -> str:
    if share == 0:
        return "0%"
    if share < 0.001:
        return "<0.1%"
    return f"{share:.1%}" if share < 0.1 else f"{share:.0%}"


def finding(
    kind: Kind, severity: str, message: str, *, column: str | None = None, **evidence: Any
) -> Finding:
    """A finding of a declared :class:`~sekit.checks.spec.Kind` (``finding(LEAKAGE, "fail",
    ...)``): a misspelt kind is a NameError where the module is checked, not a new kind."""
    return Finding(
        kind=kind.name,
        severity=Severity(severity),
        message=message,
        column=column,
        evidence=evidence,
    )


def outcome(
    findings: list[Finding],
    summary: str,
    metrics: dict[str, Any] | None = None,
    *,
    bounded: dict[str, str] | None = None,
) -> Outcome:
    """What a check returns; its status follows from its findings and the runner stamps the
    check's id and suite. ``bounded``: the metrics judged against the check's own bounds (a
    bound that was not measured makes the result ``error``: :meth:`Outcome.from_findings`)."""
    return Outcome.from_findings(findings, summary, metrics, bounded=bounded)


def worst_summary(findings: list[Finding], clean: str) -> str:
    """``clean`` when nothing was found, else a count and the first problem."""
    serious = [f for f in findings if f.severity is not Severity.INFO]
    if not serious:
        return clean
    first = serious[0].message
    more = f" (+{len(serious) - 1} more)" if len(serious) > 1 else ""
    return f"{first}{more}"


def invalid_lines(source: str, problems: Problems | None) -> list[Finding]:
    """``invalid_log_lines`` (a warning) when a served log had invalid lines, few enough that
    the rest still measures the checks' bounds (:mod:`sekit.subjects.servedlog`)."""
    if problems is None or not problems.invalid:
        return []
    return [
        finding(
            INVALID_LOG_LINES,
            "warn",
            f"{source}: {problems.describe()}; they are left out",
            invalid=problems.invalid,
            lines=problems.lines,
        )
    ]
