"""Documentation the team wrote: README, requirements with numbers, model card, reports."""

from __future__ import annotations

import re

from sekit.grade.detectors.common import Outcome, scaled, unfilled
from sekit.grade.detectors.item import Item, item
from sekit.grade.repository import Repository

QUANTIFIED = re.compile(
    r"(?:[<>]=?|≥|≤)\s*\d+(?:\.\d+)?|\d+(?:\.\d+)?\s*(?:ms|s\b|%|GB|MB|"
    r"seconds|requests|users)"
)
NOT_PROSE = re.compile(
    r"```.*?```|~~~.*?~~~|!\[[^\]]*\]\([^)\s]*\)?|<img\b[^>]*>|https?://\S+|\]\([^)\s]*\)",
    re.DOTALL,
)
"""What is not the team's words about their system: code blocks, images and badges (a coverage
badge's "76%" is a measurement a tool wrote, not a requirement), links and addresses."""


def prose(text: str) -> str:
    """The text without code blocks, images, badges and addresses."""
    return NOT_PROSE.sub(" ", text)


def _document(
    repo: Repository, globs: tuple[str, ...], what: str, *, min_words: int, numbers: int = 0
) -> Outcome:
    candidates = sorted({f for g in globs for f in repo.exists(g)})
    if not candidates:
        return Outcome("missing", [f"no {what}"])
    path = candidates[0]
    reason = unfilled(repo, path)
    if reason:
        return Outcome("template", [reason])
    text = prose(repo.text(path) or "")
    words = len(text.split())
    found = QUANTIFIED.findall(text)
    evidence = [
        f"{path}: {words} words"
        + (f", {len(found)} quantified requirements, e.g. {found[0]!r}" if found else "")
    ]
    share = min(1.0, words / min_words)
    if numbers:
        share = 0.5 * share + 0.5 * min(1.0, len(found) / numbers)
    return scaled(share, evidence)


@item("docs.readme", "documentation", "a README the team wrote", points=2)
def readme(repo: Repository) -> Outcome:
    """A README of the team's own words, full at 150 words; template text earns nothing."""
    return _document(
        repo, ("README.md", "README.rst", "README.txt", "README"), "README", min_words=150
    )


@item(
    "docs.requirements",
    "documentation",
    "a requirements specification with actual numbers",
    points=4,
)
def requirements(repo: Repository) -> Outcome:
    """A requirements specification: half for 200 words, half for three quantified
    requirements (a bound, a latency, a rate); template text earns nothing."""
    return _document(
        repo,
        ("docs/*requirement*", "*requirement*.md", "docs/*spec*.md", "docs/*srs*"),
        "requirements specification",
        min_words=200,
        numbers=3,
    )


@item("docs.model_card", "documentation", "a model card", points=3)
def model_card(repo: Repository) -> Outcome:
    """A model card of the team's own words, full at 150 words."""
    return _document(
        repo, ("*model_card*", "*model-card*", "*modelcard*"), "model card", min_words=150
    )


REPORT = re.compile(
    r"(report|milestone|activity|assignment|retrospective|sprint|deliverable)", re.I
)
GENERATED_REPORTS = re.compile(r"mllint|coverage|pylint|junit|test-?results|bandit", re.I)


@item("docs.reports", "documentation", "milestone or activity reports", points=2)
def reports(repo: Repository) -> Outcome:
    """Milestone, activity or project reports the team wrote (text, not generated tool output);
    full credit for two of at least 150 words each."""
    candidates = [
        f
        for f in repo.files
        if f.lower().endswith((".md", ".rst", ".txt", ".pdf"))
        and REPORT.search(f.rsplit("/", 1)[-1])
        and not GENERATED_REPORTS.search(f)
    ]
    written = []
    for path in candidates:
        if path.lower().endswith(".pdf"):
            written.append(f"{path} (PDF)")
            continue
        if unfilled(repo, path) or GENERATED_REPORTS.search((repo.text(path) or "")[:600]):
            continue
        words = len((repo.text(path) or "").split())
        if words >= 150:
            written.append(f"{path}: {words} words")
    if not written:
        return Outcome("missing", ["no milestone, activity or project report written by the team"])
    return scaled(len(written) / 2, written[:3])


ITEMS: tuple[Item, ...] = (readme, requirements, model_card, reports)
