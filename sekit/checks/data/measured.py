"""How often each data rule that only warns fires on clean real data, and on data with the
fault it looks for: the numbers its messages and ``sekit explain`` quote.

Measured by ``benchmarks/corpus.py`` on the held-out half of the corpus of real tables (one
random split per table; see ``docs/explanation/trust.md``), once, after the rules were fixed.
A warning that fires on a tenth of clean tables is a question to ask, not a verdict; the
numbers let a team decide whether to promote it (``[severity]``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    """A rule on the corpus: raised on ``clean`` of ``tables`` clean tables, and found on
    ``found`` of ``runs`` tables with its fault injected."""

    clean: int
    tables: int
    found: int
    runs: int
    fault: str

    def sentence(self) -> str:
        clean = self.clean / self.tables if self.tables else 0.0
        said = (
            f"raised on {clean:.1%} of clean real tables ({self.clean} of {self.tables})"
            if self.tables
            else "not measurable on clean tables (none has the column it needs)"
        )
        if not self.runs:
            return said
        found = self.found / self.runs
        return f"{said} and on {found:.0%} of those with {self.fault} ({self.found} of {self.runs})"


# benchmarks/results/corpus_held_out_first.json: 594 held-out tables, one random split each,
# each fault on a seeded fifth of them (the warnings' code is the code measured there)
MEASURED: dict[str, Rate] = {
    "near_perfect_feature": Rate(45, 594, 130, 131, "the label's log or a unit change of it"),
    "strong_feature": Rate(14, 594, 0, 0, ""),
    "conflicting_labels": Rate(19, 594, 0, 0, ""),
    "duplicate_rows": Rate(63, 594, 97, 114, "a tenth of the training rows copied"),
    "chance_overlap": Rate(43, 594, 83, 106, "a tenth of the test set copied from train"),
    "copied_rows": Rate(13, 594, 0, 0, ""),
    "found_entities": Rate(85, 594, 111, 111, "a quarter of the rows measured twice more"),
    "identifier_of_the_label": Rate(5, 594, 0, 0, ""),
    "missing_in_time_order": Rate(0, 0, 115, 124, "a feature filled in after the outcome"),
}


def note(rule: str) -> str:
    """A clause for a warning's message: how often this warning is raised on clean data."""
    rate = MEASURED.get(rule)
    if rate is None:
        return ""
    return f" (a warning, not a verdict: on sekit's corpus it is {rate.sentence()})"


def trust(rule: str, how: str) -> str:
    """``how`` the rule decides, and what it was measured to do (for ``sekit explain``)."""
    rate = MEASURED.get(rule)
    if rate is None:
        return how
    return f"{how} Measured on the held-out real tables of sekit's corpus: {rate.sentence()}."
