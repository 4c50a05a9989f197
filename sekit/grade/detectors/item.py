"""A rubric item, declared once, beside the detector that judges it.

::

    @item("vcs.git", "version control", "the project is a git repository with history", points=3)
    def git(repo: Repository) -> Outcome:
        \"\"\"A share per commit of the team in the history, full at five.\"\"\"

The decorator makes the function an :class:`Item` (still callable on a repository). Each
detector module lists its items in order in ``ITEMS``; :data:`sekit.grade.detectors.SECTIONS`
names, section by section, the modules whose items make the built-in rubric. Nothing is
discovered: an item is in the rubric because a list names it. The first paragraph of the
detector's docstring is what the reference pages publish as "what earns it".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sekit.grade.detectors.common import Outcome
from sekit.grade.repository import Repository

Detect = Callable[[Repository], Outcome]


@dataclass(frozen=True)
class Item:
    """One rubric item: its id, its section, what it asks, its points and its detector."""

    id: str
    section: str
    title: str
    points: float
    detect: Detect

    def __call__(self, repo: Repository) -> Outcome:
        return self.detect(repo)

    @property
    def detector(self) -> str:
        """The detector's identity: its module and name (or, for an instructor's item, its
        file patterns)."""
        name = getattr(self.detect, "__qualname__", None)
        if name is None:
            return repr(self.detect)
        return f"{self.detect.__module__}.{name}"

    @property
    def rule(self) -> str:
        """What earns the item's points: the first paragraph of the detector's docstring,
        on one line (the item's title when it has none)."""
        doc = (self.detect.__doc__ or self.title).strip().split("\n\n")[0]
        return " ".join(doc.split())


def item(id: str, section: str, title: str, *, points: float) -> Callable[[Detect], Item]:
    """Declare the decorated detector as the rubric item ``id`` of ``section``."""

    def declare(detect: Detect) -> Item:
        return Item(id, section, title, points, detect)

    return declare


@dataclass(frozen=True)
class Custom:
    """An instructor's own item: a file matching ``files`` (containing ``pattern``)."""

    files: tuple[str, ...]
    pattern: str | None = None

    def __call__(self, repo: Repository) -> Outcome:
        matches = sorted({f for g in self.files for f in repo.exists(g)})
        if not matches:
            return Outcome("missing", [f"no file matches {', '.join(self.files)}"])
        if self.pattern is None:
            return Outcome("met", matches[:3])
        hits = repo.grep(self.pattern, tuple(matches), flags=0)
        if hits:
            return Outcome("met", [str(h) for h in hits[:3]])
        return Outcome("missing", [f"{matches[0]}: does not contain /{self.pattern}/"])
