"""How text behaviour is tested: many calls at once, a decision per property, and the
shortest failing text, found by Hypothesis.

**Measure.** Each property is measured on a fixed, seeded sample (the test texts, each edited
once): every text goes to the endpoint in one concurrent batch (``[model].max_concurrency``),
and the answers are kept, so an original asked by several properties is asked once.

**Decide.** A property with no tolerance fails on one real violation; with a tolerance
(``[model.text].tolerance``) it fails when a one-sided exact binomial test says the share of
violations is above it. A model that samples (a chat model above temperature 0), or one asked
``[model.text].trials`` times per input, is judged on rates instead (:mod:`sekit.checks.model.
rates`): pass, fail, or flaky with how many more trials would decide it; its failures are not
shrunk (one answer of a sampling model is not a reproducible failure).

**Shrink.** For a failed property, Hypothesis draws windows of words of the failing texts
(which text, where the window starts, how long it is, which edit) and looks for one that still
fails; its shrinker then makes it as short as it can, so the finding shows the shortest text
that fails, within ``[model].shrink_seconds``. Generated texts (robustness) are drawn by
Hypothesis from the start and shrunk the same way.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sekit.checks.model.behaviour.kinds import CRASH, INVALID_OUTPUT
from sekit.checks.model.rates import Rate, judge

if TYPE_CHECKING:
    from sekit.checks.spec import Kind
    from sekit.endpoint.client import Call, Client


@dataclass
class Outcome:
    """One property: how many cases it judged, how many broke it, and the example. Judged
    on rates, it also has the rate and a verdict that may be ``flaky``."""

    name: str
    kind: Kind
    cases: int = 0
    broken: int = 0
    failed: bool = False
    example: dict[str, Any] | None = None
    note: str | None = None
    calls: int = 0
    seconds: float = 0.0
    rate: Rate | None = None
    per_input: list[tuple[int, int]] = field(default_factory=list)  # (held, asked) per input

    @property
    def flaky(self) -> bool:
        return self.rate is not None and self.rate.verdict == "flaky"

    def judged(self, per_input: Sequence[tuple[int, int]], required: float, level: float) -> None:
        """Decide on rates: ``(held, asked)`` per input against the required rate."""
        self.per_input = list(per_input)
        self.rate = judge(per_input, required, level=level)
        self.cases = self.rate.observed
        self.broken = self.rate.observed - self.rate.held
        self.failed = self.rate.verdict == "fail"


class Asker:
    """Answers to texts: trial 0 of each text is asked once and kept (``fresh`` asks again:
    determinism); :meth:`trials` asks every trial (each with its own seed when the model
    samples). ``stage`` marks the calls (the cassette and the contract check group them)."""

    def __init__(self, client: Client, classes: Sequence[str] = (), trials: int = 1) -> None:
        self.client = client
        self.classes = {str(c) for c in classes}
        self.trials_per_input = trials
        self._known: dict[tuple[str, int, bool], Call] = {}
        self.calls = 0

    @property
    def rates(self) -> bool:
        """Whether properties are judged on rates (sampling, or several trials)."""
        return self.client.protocol.samples or self.trials_per_input > 1

    def ask(self, texts: Sequence[str], stage: str = "", *, guard: bool = True) -> list[Call]:
        return self._asked([(t, 0) for t in texts], stage, guard)

    def trials(
        self, texts: Sequence[str], stage: str = "", *, guard: bool = True
    ) -> list[list[Call]]:
        """Every trial of every text, in one concurrent batch: per text, its calls."""
        n = self.trials_per_input
        flat = self._asked([(t, k) for t in texts for k in range(n)], stage, guard)
        return [flat[i * n : (i + 1) * n] for i in range(len(texts))]

    def _asked(self, wanted: Sequence[tuple[str, int]], stage: str, guard: bool) -> list[Call]:
        keys = [(text, trial, guard) for text, trial in wanted]
        new = list(dict.fromkeys(k for k in keys if k not in self._known))
        if new:
            protocol = self.client.protocol
            bodies = [protocol.text_body(t, trial=k, guard=g) for t, k, g in new]
            made = self.client.call(bodies, stage=stage)
            self.calls += len(made)
            self._known.update(zip(new, made, strict=True))
        return [self._known[k] for k in keys]

    def fresh(self, texts: Sequence[str], stage: str = "") -> list[Call]:
        made = self.client.call([self.client.protocol.text_body(t) for t in texts], stage=stage)
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

    def problem(self, call: Call) -> tuple[Kind, str] | None:
        """(kind, why) when a call brought no valid answer: ``crash`` for errors and
        time-outs, ``invalid_output`` for an answer that is not one of the labels."""
        if not call.ok:
            kind = INVALID_OUTPUT if (call.error or "").startswith("invalid") else CRASH
            return kind, call.error or "no answer"
        if self.classes and str(call.prediction) not in self.classes:
            known = ", ".join(sorted(self.classes)[:6])
            return INVALID_OUTPUT, f"answered {call.prediction!r}, not one of {known}"
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
