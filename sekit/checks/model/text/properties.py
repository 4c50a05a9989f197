"""The text properties: invariance to edits, robustness, determinism (without configuration),
templates and edits with an expected answer (``[[behaviour]]``)."""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sekit.checks.model.behaviour.kinds import (
    CRASH,
    DIRECTIONAL_VIOLATION,
    INVALID_OUTPUT,
    INVARIANCE_VIOLATION,
    MINIMUM_FUNCTIONALITY,
    NONDETERMINISM,
)
from sekit.checks.model.text.engine import Asker, Outcome, decided, shortest, timed
from sekit.checks.model.text.perturb import EDITS
from sekit.config.text import Edit, Template

if TYPE_CHECKING:
    from sekit.checks.spec import Kind
    from sekit.endpoint.client import Call

MAX_FILLS = 200  # filled templates judged per template (a seeded sample beyond that)


def invariance(
    asker: Asker,
    texts: Sequence[str],
    edit: str,
    *,
    tolerance: float,
    level: float,
    seed: int,
    shrink_seconds: float,
    ci: bool,
) -> Outcome:
    """Editing a text (``edit``) must not change its answer."""
    start, before = time.perf_counter(), asker.calls
    outcome = Outcome(f"invariance to {edit}", INVARIANCE_VIOLATION)
    change = EDITS[edit]
    pairs = [
        (text, changed, i)
        for i, text in enumerate(texts)
        if (changed := change(text, seed + i)) is not None
    ]
    if not pairs:
        outcome.note = f"no test text can be edited for {edit}"
        return timed(outcome, asker, start, before)
    if asker.rates:
        asked = asker.trials([p[0] for p in pairs] + [p[1] for p in pairs], outcome.name)
        per_input, example = _agreement(
            asker, [(p[0], p[1]) for p in pairs], asked[: len(pairs)], asked[len(pairs) :]
        )
        outcome.judged(per_input, 1 - tolerance, level)
        outcome.example = example if outcome.failed or outcome.flaky else None
        return timed(outcome, asker, start, before)
    both = asker.ask([p[0] for p in pairs] + [p[1] for p in pairs], outcome.name)  # concurrent
    originals, answered = both[: len(pairs)], both[len(pairs) :]
    flipped: list[tuple[str, str, int, str, str]] = []
    for (text, changed, i), a, b in zip(pairs, originals, answered, strict=True):
        first, second = asker.answer(a), asker.answer(b)
        if first is None or second is None:
            continue  # no answer at all is robustness' finding
        outcome.cases += 1
        if first != second:
            flipped.append((text, changed, seed + i, first, second))
    outcome.broken = len(flipped)
    outcome.failed = decided(outcome.broken, outcome.cases, tolerance, level)
    if outcome.failed:

        def fails(window: str, window_seed: int) -> bool:
            other = change(window, window_seed)
            if other is None:
                return False
            a, b = (asker.answer(c) for c in asker.ask([window, other], outcome.name))
            return a is not None and b is not None and a != b

        small = shortest([f[0] for f in flipped], fails, seconds=shrink_seconds, ci=ci)
        if small is not None:
            shown, other = small[0], change(*small) or small[0]
        else:
            shown, other = flipped[0][0], flipped[0][1]
        one, two = (asker.answer(c) for c in asker.ask([shown, other], outcome.name))
        outcome.example = {"text": shown, "answer": one, "edited": other, "edited answer": two}
    return timed(outcome, asker, start, before)


def robustness(asker: Asker, *, examples: int, shrink_seconds: float, ci: bool) -> list[Outcome]:
    """Every generated text gets a valid answer: no error status, no time-out, one of the
    labels. Hypothesis draws batches of texts (any Unicode, up to 200 characters) and shrinks
    a failing batch to its shortest failing text."""
    from hypothesis import HealthCheck, Verbosity, given, settings
    from hypothesis import strategies as st

    from sekit.checks.model.behaviour.engine import shrink_budget

    start, before = time.perf_counter(), asker.calls
    outcome = Outcome("an answer for every generated text", CRASH)
    if examples == 0:
        outcome.note = "robustness is off ([model.text].robustness = 0)"
        return [outcome]
    text = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=200).filter(
        lambda t: t.strip() != ""
    )
    failures: list[tuple[str, Kind, str]] = []

    class Broken(Exception):
        pass

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=ci,
        verbosity=Verbosity.quiet,
        report_multiple_bugs=False,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.lists(text, min_size=1, max_size=16))
    def every_text_answered(batch: list[str]) -> None:
        calls = asker.ask(batch, outcome.name)
        outcome.cases += len(batch)
        for item, call in zip(batch, calls, strict=True):
            problem = asker.problem(call)
            if problem is not None and asker.rates and problem[0] == INVALID_OUTPUT:
                continue  # a sampled answer off the contract is a rate: model.contract's
            if problem is not None:
                failures.append((item, *problem))
                raise Broken

    with shrink_budget(shrink_seconds):
        try:
            every_text_answered()
        except Broken:
            item, kind, why = failures[-1]  # the shrunk batch comes last
            outcome.kind = kind
            outcome.failed = True
            outcome.broken = len({f[0] for f in failures})
            outcome.example = {"text": item, "codepoints": [f"U+{ord(c):04X}" for c in item]}
            outcome.example["answer"] = why
    return [timed(outcome, asker, start, before)]


def determinism(asker: Asker, texts: Sequence[str]) -> Outcome:
    """The same text, asked twice, gets the same answer."""
    start, before = time.perf_counter(), asker.calls
    outcome = Outcome("the same answer twice", NONDETERMINISM)
    if asker.client.protocol.samples:
        temperature = asker.client.protocol.temperature
        outcome.note = (
            f"the model samples (temperature {temperature:g}): the same answer twice is not "
            "expected; every property is judged as a rate over [model.text].trials"
        )
        return timed(outcome, asker, start, before)
    first, second = asker.fresh(texts, outcome.name), asker.fresh(texts, outcome.name)
    for text, a, b in zip(texts, first, second, strict=True):
        one, two = asker.answer(a), asker.answer(b)
        if one is None or two is None:
            continue
        outcome.cases += 1
        if one != two and outcome.example is None:
            outcome.example = {"text": text, "first answer": one, "second answer": two}
        outcome.broken += one != two
    outcome.failed = outcome.broken > 0
    return timed(outcome, asker, start, before)


def template(
    asker: Asker, item: Template, label: str, *, seed: int, level: float = 0.01
) -> Outcome:
    """Every filled template gets ``expect`` (CheckList's minimum functionality test)."""
    start, before = time.perf_counter(), asker.calls
    outcome = Outcome(label, MINIMUM_FUNCTIONALITY)
    slots = list(item.fill)
    combos = list(itertools.product(*(item.fill[s] for s in slots)))
    if len(combos) > MAX_FILLS:
        combos = random.Random(seed).sample(combos, MAX_FILLS)
    texts = [item.template.format(**dict(zip(slots, c, strict=True))) for c in combos]
    if asker.rates:
        per_input = []
        for text, calls in zip(texts, asker.trials(texts, label), strict=True):
            given = [asker.answer(c) for c in calls]
            per_input.append((sum(a == item.expect for a in given), len(given)))
            off = [a for a in given if a != item.expect]
            if outcome.example is None and off:
                outcome.example = {"text": text, "answer": off[0], "expected": item.expect}
        outcome.judged(per_input, item.min_accuracy, level)
        if not (outcome.failed or outcome.flaky):
            outcome.example = None
        return timed(outcome, asker, start, before)
    answers = [asker.answer(c) for c in asker.ask(texts, label)]
    wrong = [(t, a) for t, a in zip(texts, answers, strict=True) if a != item.expect]
    outcome.cases, outcome.broken = len(texts), len(wrong)
    outcome.failed = outcome.cases > 0 and 1 - len(wrong) / len(texts) < item.min_accuracy
    if outcome.failed:
        text, answer = min(wrong, key=lambda w: len(w[0]))
        outcome.example = {"text": text, "answer": answer, "expected": item.expect}
    return timed(outcome, asker, start, before)


def edit(
    asker: Asker,
    texts: Sequence[str],
    item: Edit,
    label: str,
    *,
    level: float,
    shrink_seconds: float,
    ci: bool,
) -> Outcome:
    """Each edited text gets the expected answer (CheckList's directional expectation)."""
    start, before = time.perf_counter(), asker.calls
    outcome = Outcome(label, DIRECTIONAL_VIOLATION)

    def edited(text: str) -> str:
        return f"{item.prepend or ''}{text}{item.append or ''}"

    def meets(original: str | None, answer: str | None) -> bool:
        if item.expect == "same":
            return answer == original
        if item.expect.startswith("not:"):
            return answer != item.expect[4:]
        return answer == item.expect

    if asker.rates:
        asked = asker.trials([*texts, *(edited(t) for t in texts)], label)
        per_input = []
        for text, first, second in zip(
            texts, asked[: len(texts)], asked[len(texts) :], strict=True
        ):
            pairs = [(asker.answer(a), asker.answer(b)) for a, b in zip(first, second, strict=True)]
            pairs = [(a, b) for a, b in pairs if a is not None and b is not None]
            per_input.append((sum(meets(a, b) for a, b in pairs), len(pairs)))
            missed_pair = next(((a, b) for a, b in pairs if not meets(a, b)), None)
            if outcome.example is None and missed_pair is not None:
                outcome.example = {
                    "text": text,
                    "answer": missed_pair[0],
                    "edited": edited(text),
                    "edited answer": missed_pair[1],
                }
        outcome.judged(per_input, 1 - item.tolerance, level)
        if not (outcome.failed or outcome.flaky):
            outcome.example = None
        return timed(outcome, asker, start, before)
    both = [asker.answer(c) for c in asker.ask([*texts, *(edited(t) for t in texts)], label)]
    originals, changed = both[: len(texts)], both[len(texts) :]
    missed: list[str] = []
    for text, a, b in zip(texts, originals, changed, strict=True):
        if a is None or b is None:
            continue
        outcome.cases += 1
        if not meets(a, b):
            missed.append(text)
    outcome.broken = len(missed)
    outcome.failed = decided(outcome.broken, outcome.cases, item.tolerance, level)
    if outcome.failed:

        def fails(window: str, seed: int) -> bool:
            a, b = (asker.answer(c) for c in asker.ask([window, edited(window)], label))
            return a is not None and b is not None and not meets(a, b)

        found = shortest(missed, fails, seconds=shrink_seconds, ci=ci)
        text = found[0] if found is not None else missed[0]
        a, b = (asker.answer(c) for c in asker.ask([text, edited(text)], label))
        outcome.example = {"text": text, "answer": a, "edited": edited(text), "edited answer": b}
    return timed(outcome, asker, start, before)


def _agreement(
    asker: Asker,
    pairs: Sequence[tuple[str, str]],
    originals: Sequence[Sequence[Call]],
    edited: Sequence[Sequence[Call]],
) -> tuple[list[tuple[int, int]], dict[str, Any] | None]:
    """Per pair of texts: in how many trials both got the same valid answer, of how many
    both got one (trial t of each: the same seed); and the first pair that disagreed."""
    per_input: list[tuple[int, int]] = []
    example = None
    for (text, other), first, second in zip(pairs, originals, edited, strict=True):
        held = asked = 0
        for a, b in zip(first, second, strict=True):
            one, two = asker.answer(a), asker.answer(b)
            if one is None or two is None:
                continue  # no valid answer is the contract's finding
            asked += 1
            held += one == two
            if one != two and example is None:
                example = {"text": text, "answer": one, "edited": other, "edited answer": two}
        per_input.append((held, asked))
    return per_input, example


def sample(texts: Sequence[Any], n: int, seed: int) -> list[str]:
    """Up to ``n`` distinct non-empty texts, seeded."""
    distinct = list(dict.fromkeys(str(t) for t in texts if isinstance(t, str) and t.strip()))
    if len(distinct) <= n:
        return distinct
    return random.Random(seed).sample(distinct, n)
