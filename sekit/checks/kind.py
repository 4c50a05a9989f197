"""The vocabulary of the reports: a finding :class:`Kind` and a :class:`Metric`, declared once.

Declared apart from :mod:`sekit.checks.spec` (which offers both to check authors) because the
results (:mod:`sekit.results`: a finding is made from a kind) lie below the check declarations.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """A finding kind: what it means (``summary``), why it matters in production, how to
    investigate it and how to fix it."""

    name: str
    summary: str
    why: str
    investigate: str
    fix: str
    trust: str = (
        ""  # how sure a finding is: its false-alarm rate and power (docs/explanation/trust.md)
    )


@dataclass(frozen=True)
class Metric:
    """A metric, under its report-wide name (``data.drift_share``). ``gate`` is an example
    bound (``"max = 0.1"``) for the docs, or None for a metric that is only informational."""

    name: str
    summary: str
    why: str
    investigate: str
    fix: str
    gate: str | None = None
