"""How text behaviour is tested: many calls at once, a decision per property, and the
shortest failing text, found by Hypothesis.

**Measure.** Each property is measured on a fixed, seeded sample (the test texts, each edited
once): every text goes to the endpoint in one concurrent batch (``[model].max_concurrency``),
and the answers are kept, so an original asked by several properties is asked once.

**Decide.** A property with no tolerance fails on one real violation; with a tolerance
(``[model.text].tolerance``) it fails when a one-sided exact binomial test says the share of
violations is above it.

**Shrink.** For a failed property, Hypothesis draws windows of words of the failing texts
(which text, where the window starts, how long it is, which edit) and looks for one that still
fails; its shrinker then makes it as short as it can, so the finding shows the shortest text
that fails, within ``[model].shrink_seconds``. Generated texts (robustness) are drawn by
Hypothesis from the start and shrunk the same way.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sekit.endpoint.client import Call, Client


@dataclass
class Outcome:
    """One property: how many cases it judged, how many broke it, and the example."""

    name: str
    kind: str
    cases: int = 0
    broken: int = 0
    failed: bool = False
    example: dict[str, Any] | None = None
    note: str | None = None
    calls: int = 0
    seconds: float = 0.0


class Asker:
    """Answers to texts, each text asked once (``fresh`` asks again: determinism)."""

    def __init__(self, client: Client, classes: Sequence[str] = ()) -> None:
        self.client = client
        self.classes = {str(c) for c in classes}
        self._known: dict[str, Call] = {}
        self.calls = 0

    def ask(self, texts: Sequence[str]) -> list[Call]:
        new = list(dict.fromkeys(t for t in texts if t not in self._known))
        if new:
            made = self.client.call([self.client.protocol.text_body(t) for t in new])
            self.calls += len(made)
            self._known.update(zip(new, made, strict=True))
        return [self._known[t] for t in texts]

    def fresh(self, texts: Sequence[str]) -> list[Call]:
        made = self.client.call([self.client.protocol.text_body(t) for t in texts])
        self.calls += len(made)
        return made

    def answer(self, call: Call) -> str | None:
        """The answer as a label, or None when the call brought no valid one."""
        if not call.ok:
            return None
        shown = str(call.prediction)
        if self.classes and shown not in self.classes:
            return None
        return shown

    def problem(self, call: Call) -> tuple[str, str] | None:
        """(kind, why) when a call brought no valid answer: ``crash`` for errors and
        time-outs, ``invalid_output`` for an answer that is not one of the labels."""
        if not call.ok:
            kind = "invalid_output" if (call.error or "").startswith("invalid") else "crash"
            return kind, call.error or "no answer"
        if self.classes and str(call.prediction) not in self.classes:
            known = ", ".join(sorted(self.classes)[:6])
            return "invalid_output", f"answered {call.prediction!r}, not one of {known}"
        return None


def decided(broken: int, cases: int, tolerance: float, level: float) -> bool:
    """Whether ``broken`` of ``cases`` is more than ``tolerance`` allows: any violation when
    the tolerance is 0, else a one-sided exact binomial test at ``level``."""
    if broken == 0 or cases == 0:
        return False
    if tolerance <= 0:
        return True
    from scipy import stats

    return float(stats.binom.sf(broken - 1, cases, tolerance)) < level


def shortest(
    texts: Sequence[str],
    fails: Callable[[str, int], bool],
    *,
    seconds: float,
    ci: bool,
) -> tuple[str, int] | None:
    """The shortest window of words of one of ``texts`` (with an edit seed) for which
    ``fails(text, seed)`` holds, found and shrunk by Hypothesis; None when none is found."""
    from hypothesis import HealthCheck, Verbosity, given, settings
    from hypothesis import strategies as st

    from sekit.checks.model.behaviour.engine import shrink_budget

    words = [text.split() for text in texts]
    found: list[tuple[str, int]] = []

    @st.composite
    def windows(draw: Any) -> tuple[str, int]:
        index = draw(st.integers(0, len(words) - 1))
        chosen = words[index]
        length = draw(st.integers(1, max(len(chosen), 1)))
        start = draw(st.integers(0, max(len(chosen) - length, 0)))
        seed = draw(st.integers(0, 15))
        return " ".join(chosen[start : start + length]), seed

    class Fails(Exception):
        pass

    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        derandomize=ci,
        verbosity=Verbosity.quiet,
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
    )
    @given(windows())
    def search(window: tuple[str, int]) -> None:
        if window[0] and fails(*window):
            found.append(window)
            raise Fails

    with shrink_budget(seconds):
        try:
            search()
        except Fails:
            return found[-1]  # Hypothesis replays the shrunk example last
    return None


def timed(outcome: Outcome, asker: Asker, start: float, before: int) -> Outcome:
    outcome.seconds = time.perf_counter() - start
    outcome.calls = asker.calls - before
    return outcome
