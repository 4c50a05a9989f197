"""Measured or not: the one rule for every bound.

A bound is a ``[gates]`` entry or a check's own bound (a monitor SLO, an experiment's
decision, a minimum of answers a quality score needs). It compares a *measured* value, and a
value is measured when it is a finite number: ``None``, ``NaN`` and the infinities are not.
A bound on a value that was not measured never passes:

* a gate blocks, with the reason "not measured" (:func:`sekit.gate.evaluate_gates`);
* a check whose own bound could not be measured ends ``error`` (a ``check_error`` finding of
  cause ``unmeasured``, :func:`sekit.results.not_measured`), and ``error`` blocks like
  ``fail``; the report's exit code is then 1, or 2 when the input itself was unusable.

A bound judged on many observations (the lines of a served log) is measured when its input is
known on all of them but a few: at most one line, or one in a thousand, whichever is more
(:func:`tolerated`). One line may be cut short when a service stops while writing; one in a
thousand moves a share by at most 0.1 points, a tenth of the slack of a 99% availability bound,
the tightest bound the monitor usually judges. Beyond that, the lines whose value is unknown
could be the ones that break the bound, and the bound is not measured.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Literal

Judgement = Literal["within", "beyond", "unmeasured"]


def measured(value: object) -> bool:
    """Whether ``value`` is a measurement: a finite real number (``True``/``False`` are not)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:  # an integer too large for a float
        return False


def tolerated(observations: int) -> int:
    """How many of ``observations`` may lack a bound's input while it still counts as
    measured: one, or one in a thousand, whichever is more."""
    return max(1, observations // 1000)


def measured_on(known: int, observations: int) -> bool:
    """Whether a bound whose input is known on ``known`` of ``observations`` is measured: on
    at least one, and unknown on no more than :func:`tolerated` allows."""
    return known > 0 and observations - known <= tolerated(observations)


@dataclass(frozen=True)
class Bound:
    """A lower and/or upper bound on one value, both inclusive (a ``[gates]`` entry)."""

    min: float | None = None
    max: float | None = None

    @property
    def usable(self) -> bool:
        """At least one end, and every end a finite number."""
        ends = [end for end in (self.min, self.max) if end is not None]
        return bool(ends) and all(measured(end) for end in ends)

    def judge(self, value: object) -> Judgement:
        """``within`` or ``beyond`` the bound, or ``unmeasured`` (never within)."""
        if not measured(value):
            return "unmeasured"
        assert isinstance(value, numbers.Real)
        number = float(value)
        if self.min is not None and number < self.min:
            return "beyond"
        if self.max is not None and number > self.max:
            return "beyond"
        return "within"

    def __str__(self) -> str:
        if self.min is not None and self.max is not None:
            return f"{self.min:g} to {self.max:g}"
        if self.min is not None:
            return f"min {self.min:g}"
        return f"max {self.max:g}" if self.max is not None else "no bound"
