"""The engine of the behaviour properties: batches of rows, Hypothesis runs with a shrink
budget, and the minimal failing example.

**Batches.** Each Hypothesis example is one batch of rows, made with numpy from what Hypothesis
draws: a seed and a size for the bulk of the batch (schema-valid random rows for the contract
properties; rows of the training set for invariance and directional properties, behaviour on
realistic inputs), and up to three edits of its first rows, each a feature and a value that
Hypothesis draws and shrinks itself (edge values: bounds, zero, a missing value). Each column has
its own random stream, so a shorter bulk is a prefix of a longer one: Hypothesis shrinks the
size to the first failing row and the edits to the simplest failing values; sekit then keeps only
the rows that break the property, so a failure reports a minimal example. Hypothesis draws a few
numbers per example, whatever the number of features, and the model predicts a whole batch at
once: half the examples use the full batch size, so throughput stays high.

**Profiles.** With ``CI`` set: derandomized, no deadline, no example database (reproducible
runs). Locally: each property has its own example database in ``.sekit/hypothesis/``, so a
failure found once is replayed first on the next run.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sekit.checks.findings import finding
from sekit.results import Finding
from sekit.strategies import FeatureProfile

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from hypothesis import settings as Settings

    from sekit.checks.spec import Kind

EXPLICIT_ROWS = 3
EXAMPLE_ROWS = 5  # rows shown in a finding


class Violation(Exception):
    """Raised inside a property when a batch breaks it."""

    def __init__(
        self, kind: Kind, message: str, rows: list[int], detail: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{kind.name}: {message}")
        self.kind, self.message, self.rows, self.detail = kind, message, rows, detail or {}


@dataclass
class Outcome:
    name: str
    kind: str
    cases: int = 0
    seconds: float = 0.0
    finding: Finding | None = None
    note: str | None = None
    shrink_bounded: bool = True


@dataclass
class Case:
    """What Hypothesis draws for one example."""

    size: int  # rows of bulk
    seed: int
    edits: list[tuple[int, Any]] = field(default_factory=list)  # row i: (feature index, value)
    values: list[Any] = field(default_factory=list)  # new values for the feature under test


# --- building batches --------------------------------------------------------------------------


class Batches:
    def __init__(
        self, features: list[FeatureProfile], rows: int, realistic: pd.DataFrame | None
    ) -> None:
        self.features = features
        self.names = [f.name for f in features]
        self.rows = rows
        self.realistic = realistic

    def strategy(self, varied: FeatureProfile | None = None) -> Any:
        """Cases for a property; with ``varied`` (invariance, directional) the rows come from
        the training data only and Hypothesis draws the new values of the varied feature."""
        from hypothesis import strategies as st

        edit = st.one_of([st.tuples(st.just(i), f.strategy()) for i, f in enumerate(self.features)])
        return st.builds(
            Case,
            # shrinks towards a small bulk; generates the full size half of the time
            size=st.one_of(st.integers(0, self.rows), st.just(self.rows)),
            seed=st.integers(0, 2**32 - 1),
            edits=st.lists(edit, max_size=EXPLICIT_ROWS) if varied is None else st.just([]),
            values=(
                st.lists(varied.strategy(), min_size=EXPLICIT_ROWS, max_size=EXPLICIT_ROWS)
                if varied is not None
                else st.just([])
            ),
        )

    def frame(self, case: Case, *, realistic: bool) -> pd.DataFrame:
        import numpy as np
        import pandas as pd

        if realistic and self.realistic is not None and len(self.realistic):
            rng = np.random.default_rng(case.seed)
            picked = rng.integers(0, len(self.realistic), case.size)
            return self.realistic.iloc[picked][self.names].reset_index(drop=True)
        size = max(case.size, len(case.edits))
        columns = {
            f.name: f.bulk(np.random.default_rng([case.seed, i]), size)
            for i, f in enumerate(self.features)
        }
        for row, (index, value) in enumerate(case.edits):
            column = columns[self.names[index]]
            if value is None and column.dtype.kind in "iub":  # a missing value: NaN or None
                column = columns[self.names[index]] = column.astype("float64")
            column[row] = np.nan if value is None and column.dtype.kind == "f" else value
        return pd.DataFrame(columns, columns=self.names)


# --- running one property ----------------------------------------------------------------------


def hypothesis_settings(ci: bool, examples: int) -> Settings:
    from hypothesis import HealthCheck, Verbosity, settings

    common: dict[str, Any] = {
        "max_examples": examples,
        "deadline": None,
        "print_blob": False,
        "verbosity": Verbosity.quiet,  # sekit reports; Hypothesis must not print
        "report_multiple_bugs": False,
        "suppress_health_check": list(HealthCheck),
    }
    if ci:
        return settings(derandomize=True, database=None, **common)
    return settings(**common)


SHRINK_LIMIT = "MAX_SHRINKING_SECONDS"


@contextlib.contextmanager
def shrink_budget(seconds: float) -> Iterator[bool]:
    """Bound the time Hypothesis spends shrinking one failure (its own limit is 300 s); yields
    whether the bound applies.

    Hypothesis has no public setting for this: sekit sets the constant
    ``hypothesis.internal.conjecture.engine.MAX_SHRINKING_SECONDS``, which Hypothesis reads when
    it shrinks. ``tests/checks/model/test_hypothesis_internals.py`` fails the day that name
    changes or stops bounding the shrink; until then a run without it is bounded by
    ``[checks].timeout`` only, and the result says so.
    """
    from hypothesis.internal.conjecture import engine

    previous = getattr(engine, SHRINK_LIMIT, None)
    if not isinstance(previous, int | float):
        yield False
        return
    setattr(engine, SHRINK_LIMIT, seconds)
    try:
        yield True
    finally:
        setattr(engine, SHRINK_LIMIT, previous)


def _slug(name: str) -> str:
    import hashlib
    import re

    readable = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")[:40]
    return f"{readable}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"


def run_property(
    name: str,
    kind: str,
    strategy: Any,
    check: Callable[[Case], int],
    config: Settings,
    describe: Callable[[Case, Violation], list[dict[str, Any]]],
    *,
    shrink_seconds: float = 20.0,
    database: Path | None = None,
) -> Outcome:
    """Run ``check`` on Hypothesis examples; return cases checked and the minimal failure.

    ``database``: a folder for Hypothesis' example database; each property gets its own
    (every property runs the same test function, so one shared database would mix them up).
    """
    from hypothesis import given, settings
    from hypothesis.database import DirectoryBasedExampleDatabase
    from hypothesis.errors import HypothesisException

    outcome = Outcome(name, kind)
    if database is not None:
        config = settings(
            config, database=DirectoryBasedExampleDatabase(str(database / _slug(name)))
        )
    last: list[tuple[Case, Violation]] = []

    @config
    @given(strategy)
    def prop(case: Case) -> None:
        try:
            outcome.cases += check(case)
        except Violation as violation:
            last.append((case, violation))
            raise

    start = time.perf_counter()
    try:
        with shrink_budget(shrink_seconds) as bounded:
            outcome.shrink_bounded = bounded
            prop()
    except Violation:
        case, violation = last[-1]  # Hypothesis replays the shrunk example last
        example = describe(case, violation)
        detail = {
            k: v for k, v in violation.detail.items() if k != "feature" and not k.startswith("_")
        }
        outcome.finding = finding(
            violation.kind,
            "fail",
            f"{name}: {violation.message}",
            column=violation.detail.get("feature"),
            property=name,
            example=example,
            failing_rows=len(violation.rows),
            detail=detail,
            reproduce="rerun `sekit check model`: locally the failing example is replayed "
            "from .sekit/hypothesis; with CI set the run is derandomized",
        )
    except HypothesisException as exc:
        outcome.note = f"{name} could not be tested: {type(exc).__name__}"
    outcome.seconds = time.perf_counter() - start
    return outcome


def records(frame: pd.DataFrame, rows: list[int]) -> list[dict[str, Any]]:
    from sekit.results import jsonable

    picked = frame.iloc[rows[:EXAMPLE_ROWS]]
    return [
        jsonable({k: plain(v) for k, v in record.items()})
        for record in picked.to_dict(orient="records")
    ]


def plain(value: Any) -> Any:
    """A numpy scalar as a plain Python value; NaN as None."""
    item = getattr(value, "item", None)
    if callable(item) and getattr(value, "ndim", 0) == 0:
        value = item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def show(value: Any) -> str:
    return repr(plain(value))


def isolate(frame: pd.DataFrame, fails: Callable[[pd.DataFrame], bool]) -> list[int]:
    """The position of a single failing row, or of the smallest failing half found."""
    for position in range(min(len(frame), 64)):
        if fails(frame.iloc[[position]]):
            return [position]
    rows = list(range(len(frame)))
    while len(rows) > 1:
        half = rows[: len(rows) // 2]
        if fails(frame.iloc[half]):
            rows = half
        elif fails(frame.iloc[rows[len(rows) // 2 :]]):
            rows = rows[len(rows) // 2 :]
        else:
            break
    return rows


def same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    import numpy as np

    same: np.ndarray
    if a.dtype.kind in "fc" or b.dtype.kind in "fc":
        same = np.isclose(
            a.astype("float64"), b.astype("float64"), rtol=1e-9, atol=1e-12, equal_nan=True
        )
    else:
        same = np.asarray(a == b)
    return same
