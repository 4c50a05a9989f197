"""Badges in a README, kept up to date from a saved report (``sekit report --readme``).

The badges go between two marker lines the README holds (:data:`START`, :data:`END`); what is
between them is replaced, nothing else is touched. Each badge is a static shields.io image
whose text carries the number, so nothing is fetched or computed when the README is shown.
A metric the report does not hold gets no badge; one the run could not measure says so
(never a number that was not measured).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from sekit.report.model import Report

START = "<!-- sekit:badges -->"
END = "<!-- /sekit:badges -->"


class NoBadgeBlock(ValueError):
    """The README has no ``<!-- sekit:badges -->`` ... ``<!-- /sekit:badges -->`` block."""


def _escape(text: str) -> str:
    """shields.io's static-badge path: ``-`` and ``_`` doubled, the rest URL-quoted."""
    return quote(text.replace("-", "--").replace("_", "__"), safe="")


def badge(label: str, message: str, color: str) -> str:
    """One Markdown image of a static shields.io badge."""
    url = f"https://img.shields.io/badge/{_escape(label)}-{_escape(message)}-{color}"
    return f"![{label}: {message}]({url})"


def _share_color(share: float) -> str:
    return "brightgreen" if share >= 0.8 else "yellow" if share >= 0.6 else "red"


def _coverage(report: Report) -> str | None:
    if "tests.coverage" not in report.metrics:
        return None
    share = report.metrics["tests.coverage"]
    if share is None:
        return badge("coverage", "not measured", "lightgrey")
    return badge("coverage", f"{share:.0%}", _share_color(share))


def _tests(report: Report) -> str | None:
    count, failures = report.metrics.get("tests.count"), report.metrics.get("tests.failures")
    if count is None or failures is None:
        return None
    if failures:
        return badge("tests", f"{failures:.0f} of {count:.0f} failed", "red")
    return badge("tests", f"{count:.0f} passed", "brightgreen")


def _verdict(report: Report) -> str | None:
    if not report.gates:
        return None
    failed = report.verdict == "fail"
    return badge("sekit gate", "fail" if failed else "pass", "red" if failed else "brightgreen")


BADGES: tuple[Callable[[Report], str | None], ...] = (_coverage, _tests, _verdict)


def badges(report: Report) -> list[str]:
    """The badges the report supports: coverage, tests passed, the gate's verdict."""
    return [made for make in BADGES if (made := make(report)) is not None]


def update_readme(text: str, report: Report) -> str:
    """``text`` with the lines between the badge markers replaced by the report's badges.

    Raises :class:`NoBadgeBlock` when the markers are missing or out of order.
    """
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise NoBadgeBlock(f"no badge block: put the lines {START} and {END} where badges go")
    inside = "\n".join(badges(report))
    head = text[: start + len(START)]
    return f"{head}\n{inside}\n{text[end:]}" if inside else f"{head}\n{text[end:]}"
