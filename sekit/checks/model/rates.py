"""Verdicts under non-determinism: a property of a model that samples holds at a rate, and the
verdict is about that rate.

Each input is asked ``trials`` times; a property held in ``held`` of ``observed`` answers. The
rate gets a Wilson interval covering ``1 - 2 * level`` (each side a one-sided test at
``level``): the verdict is ``fail`` when the whole interval lies below the required rate,
``pass`` when it lies at or above it, and ``flaky`` in between, with how many more trials of
each input would decide it if the rate held. A required rate of 1 is a property (no violation
allowed): any violation fails it, none passes it.

Answers to one input are not independent (an input the model finds hard is hard in every
trial), so the interval is built from the *effective* number of answers: ``observed`` divided
by Kish's design effect ``1 + (m - 1) * icc``, with ``m`` the trials per input and ``icc`` the
intra-class correlation of the answers, estimated from the answers themselves (one-way ANOVA).
Without it the interval is too narrow and a model that meets its rate fails too often
(benchmarks/llm_verdicts.py measures both). It also says when more trials cannot decide: with a
high ``icc``, the inputs disagree among themselves, and only more inputs narrow the interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from sekit import stats
from sekit.checks.spec import Kind

if TYPE_CHECKING:
    from sekit.results import Finding

Verdict = Literal["pass", "flaky", "fail"]
MAX_MORE = 1000  # trials per input beyond which "more trials" is no answer


@dataclass(frozen=True)
class Rate:
    """A rate, its interval and its verdict against the required rate."""

    held: int
    observed: int
    inputs: int
    required: float
    low: float
    high: float
    effective: float  # observations' worth once the answers' clustering is accounted for
    icc: float
    verdict: Verdict
    more: int | None = None  # more trials of each input that would decide a flaky verdict

    @property
    def rate(self) -> float:
        return self.held / self.observed if self.observed else 0.0

    def describe(self) -> str:
        """``0.83 [0.71, 0.91] of 60 answers (20 inputs), required 0.80``."""
        return (
            f"{self.rate:.2f} [{self.low:.2f}, {self.high:.2f}] of {self.observed} answers "
            f"({self.inputs} inputs), required {self.required:.2f}"
        )

    def advice(self) -> str:
        """What would decide a flaky verdict."""
        if self.more is not None:
            return (
                f"about {self.more} more trial(s) of each input ([model.text].trials "
                f"+{self.more}) would decide it if the rate holds"
            )
        return (
            "more trials of the same inputs cannot decide it (the inputs differ among "
            f"themselves, icc {self.icc:.2f}, or the rate sits on the bound): ask more inputs"
        )


def judge(per_input: Sequence[tuple[int, int]], required: float, *, level: float) -> Rate:
    """The verdict on ``(held, asked)`` per input against the ``required`` rate."""
    cases = [(held, asked) for held, asked in per_input if asked > 0]
    held = sum(h for h, _ in cases)
    observed = sum(a for _, a in cases)
    icc = intraclass(cases)
    trials = observed / len(cases) if cases else 0.0
    effective = observed / (1 + (trials - 1) * icc) if observed else 0.0
    confidence = 1 - 2 * level
    share = held / observed if observed else 0.0
    low, high = stats.wilson(share * effective, effective, confidence=confidence)
    if required >= 1:
        verdict: Verdict = "pass" if held == observed and observed else "fail"
        return Rate(held, observed, len(cases), required, low, high, effective, icc, verdict)
    if observed and high < required:
        verdict = "fail"
    elif observed and low >= required:
        verdict = "pass"
    else:
        verdict = "flaky"
    more = None
    if verdict == "flaky" and cases:
        more = _more_trials(share, len(cases), trials, icc, required, confidence)
    return Rate(held, observed, len(cases), required, low, high, effective, icc, verdict, more)


def intraclass(cases: Sequence[tuple[int, int]]) -> float:
    """The intra-class correlation of binary answers grouped by input (ANOVA estimator, for
    unequal group sizes), clipped to [0, 1]; 0 when it cannot be estimated."""
    groups = len(cases)
    total = sum(a for _, a in cases)
    if groups < 2 or total <= groups:
        return 0.0
    mean = sum(h for h, _ in cases) / total
    between = sum(a * (h / a - mean) ** 2 for h, a in cases) / (groups - 1)
    within = sum(h * (1 - h / a) for h, a in cases) / (total - groups)
    size = (total - sum(a * a for _, a in cases) / total) / (groups - 1)
    denominator = between + (size - 1) * within
    if denominator <= 0:
        return 0.0
    return min(1.0, max(0.0, (between - within) / denominator))


def _more_trials(
    share: float, inputs: int, trials: float, icc: float, required: float, confidence: float
) -> int | None:
    """The fewest extra trials per input after which the interval, at the same rate,
    excludes ``required``; None when no number up to MAX_MORE does."""

    def decides(extra: int) -> bool:
        per_input = trials + extra
        effective = inputs * per_input / (1 + (per_input - 1) * icc)
        low, high = stats.wilson(share * effective, effective, confidence=confidence)
        return high < required or low >= required

    if not decides(MAX_MORE):
        return None
    lo, hi = 0, MAX_MORE  # decides(hi) holds, decides(lo) does not
    while hi - lo > 1:
        middle = (lo + hi) // 2
        lo, hi = (lo, middle) if decides(middle) else (middle, hi)
    return hi


FLAKY = Kind(
    "flaky",
    "a property of a model that samples held at a rate whose interval straddles the required "
    "rate: neither shown nor refuted by these trials",
    "A sampling model (an LLM above temperature 0) answers differently each time; one run that "
    "happened to pass proves nothing, and a gate that passed it silently would pass a model "
    "that misses its rate about half the time.",
    "The finding gives the rate, its interval, the required rate, and how many more trials of "
    "each input would decide it if the rate held (or that only more inputs can).",
    "Raise [model.text].trials as the finding says (or [model.text].texts when the inputs "
    "differ among themselves); lower the temperature; or make the model meet the rate with a "
    'margin. `[severity] flaky = "fail"` blocks on undecided properties.',
    trust="A model that meets its rate fails at most as often as p_value says at the bound "
    "(benchmarks/llm_verdicts.py measures it on the real local model).",
)


def rate_evidence(rate: Rate) -> dict[str, object]:
    """A rate as plain values for a finding's evidence."""
    return {
        "rate": rate.rate,
        "held": rate.held,
        "low": rate.low,
        "high": rate.high,
        "required": rate.required,
        "answers": rate.observed,
        "inputs": rate.inputs,
        "effective": round(rate.effective, 1),
        "icc": round(rate.icc, 3),
        "verdict": rate.verdict,
        "more_trials": rate.more,
    }


def flaky_finding(name: str, rate: Rate, *, example: dict[str, Any] | None = None) -> Finding:
    """The warning for a property whose rate is undecided."""
    from sekit.checks.findings import finding

    return finding(
        FLAKY,
        "warn",
        f"{name}: flaky: {rate.describe()}; {rate.advice()}",
        property=name,
        rate=rate_evidence(rate),
        example=[example] if example else [],
    )
