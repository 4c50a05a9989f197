"""``sekit explain``: what a finding kind or a metric means, why it matters in production, how
to investigate it, how to fix it, and what checks it.

Every kind in :data:`sekit.vocabulary.KINDS` and every metric in
:data:`sekit.vocabulary.METRICS` has an entry (a test enforces it). The ``why`` sentence is also
attached to findings in the Markdown report.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from sekit.errors import UsageError
from sekit.explain.kinds import KIND_TEXTS
from sekit.explain.metrics import METRIC_TEXTS
from sekit.vocabulary import KINDS, METRICS, Term


@dataclass(frozen=True)
class Explanation:
    name: str
    what: str  # "finding kind" or "metric"
    suite: str
    summary: str
    why: str
    investigate: str
    fix: str
    checked_by: str


def explain(name: str) -> Explanation:
    """The explanation of a finding kind or a metric; a UsageError with "did you mean"."""
    for table, texts, what in (
        (KINDS, KIND_TEXTS, "finding kind"),
        (METRICS, METRIC_TEXTS, "metric"),
    ):
        if name in table:
            term: Term = table[name]
            why, investigate, fix, checked_by = texts[name]
            return Explanation(
                name, what, term.suite, term.summary, why, investigate, fix, checked_by
            )
    close = difflib.get_close_matches(name, [*KINDS, *METRICS], n=1, cutoff=0.6)
    raise UsageError(
        f"no finding kind or metric named {name!r}",
        hint=f"did you mean {close[0]!r}?" if close else "`sekit explain` lists them all",
    )


def why(kind: str) -> str | None:
    """The one-sentence reason a kind matters (for reports), or None."""
    texts = KIND_TEXTS.get(kind)
    return texts[0] if texts else None


def catalogue() -> dict[str, list[Term]]:
    """Kinds grouped by suite, then the metrics, for ``sekit explain`` without a name."""
    groups: dict[str, list[Term]] = {}
    for term in KINDS.values():
        groups.setdefault(term.suite, []).append(term)
    groups["metrics"] = list(METRICS.values())
    return groups
