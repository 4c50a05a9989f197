"""The contract every model keeps: no crash on schema-valid input, valid outputs, the same answer
for the same input.

The three properties are checked on the same batches, in one Hypothesis run: the model
predicts a batch once (``predict`` and ``predict_proba``), and those answers serve the crash and
output checks and the first half of the determinism check (which predicts the batch again, and
in reverse order). That is four predictions per row for three properties, where three separate
runs made seven. A failure raises the :class:`~.engine.Violation` of its kind from its own line,
so Hypothesis shrinks it as that kind; :func:`run_contract` then runs again without the kinds
already found, so that a model with two faults gets two findings, as with separate runs.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any

from sekit.checks.model.behaviour.engine import (
    Batches,
    Case,
    Outcome,
    Violation,
    isolate,
    plain,
    run_property,
    same,
    show,
)
from sekit.checks.model.behaviour.kinds import CRASH, INVALID_OUTPUT, NONDETERMINISM
from sekit.subjects.model import ModelUnderTest

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from hypothesis import settings as Settings

    from sekit.results import Finding

PROPERTIES = (
    (CRASH, "no crash on schema-valid input"),
    (INVALID_OUTPUT, "valid outputs"),
    (NONDETERMINISM, "same input, same output"),
)


def contract(
    subject: ModelUnderTest, batches: Batches, skip: Collection[str]
) -> Callable[[Case], int]:
    """The property: every kind of the contract not in ``skip``, on one batch."""

    def check(case: Case) -> int:
        from hypothesis import assume

        rows = batches.frame(case, realistic=False)
        assume(len(rows) > 0)
        try:
            predicted = subject.predict(rows)
            proba = subject.predict_proba(rows) if subject.has_proba else None
        except Exception as exc:
            assume(CRASH.name not in skip)  # found already: this batch cannot test the others
            raise Violation(
                CRASH,
                f"{type(exc).__name__}: {str(exc)[:200]}",
                isolate(rows, lambda part: _crashes(subject, part)),
                {"exception": type(exc).__name__},
            ) from None
        if INVALID_OUTPUT.name not in skip:
            _valid(subject, len(rows), predicted, proba)
        if NONDETERMINISM.name not in skip:
            try:
                again = subject.predict(rows), subject.predict(rows.iloc[::-1])[::-1]
            except Exception:
                assume(False)  # a crash on a second try is the crash property's business
                raise
            _deterministic(predicted, *again)
        return len(rows)

    return check


def run_contract(
    subject: ModelUnderTest,
    batches: Batches,
    settings: Settings,
    describe: Callable[[Case, Violation], list[dict[str, Any]]],
    *,
    shrink_seconds: float,
    database: Any,
) -> list[Outcome]:
    """One outcome per property of the contract (the time of each shared run split evenly
    between the properties it checked)."""
    found: dict[str, Finding] = {}
    outcomes = {kind.name: Outcome(name, kind.name) for kind, name in PROPERTIES}
    while len(found) < len(PROPERTIES):
        run = run_property(
            "the model's contract" + (f" (without {', '.join(found)})" if found else ""),
            "contract",
            batches.strategy(),
            contract(subject, batches, found.keys()),
            settings,
            describe,
            shrink_seconds=shrink_seconds,
            database=database,
        )
        active = [kind.name for kind, _ in PROPERTIES if kind.name not in found]
        for kind in active:
            outcomes[kind].cases += run.cases
            outcomes[kind].seconds += run.seconds / len(active)
            outcomes[kind].shrink_bounded = run.shrink_bounded
        if run.finding is None:
            for kind in active:
                named = outcomes[kind].name
                outcomes[kind].note = run.note.replace(run.name, named, 1) if run.note else None
            break
        kind = run.finding.kind
        found[kind] = run.finding.model_copy(
            update={
                "message": run.finding.message.replace(run.name, outcomes[kind].name, 1),
                "evidence": {**run.finding.evidence, "property": outcomes[kind].name},
            }
        )
        outcomes[kind].finding = found[kind]
    return list(outcomes.values())


def _crashes(subject: ModelUnderTest, rows: pd.DataFrame) -> bool:
    try:
        subject.predict(rows)
        if subject.has_proba:
            subject.predict_proba(rows)
    except Exception:
        return True
    return False


def _valid(subject: ModelUnderTest, n: int, predicted: np.ndarray, proba: Any) -> None:
    import numpy as np

    if predicted.shape[0] != n:
        raise Violation(
            INVALID_OUTPUT, f"{n} rows gave {predicted.shape[0]} predictions", list(range(n))
        )
    if subject.task == "regression":
        bad = ~np.isfinite(predicted.astype("float64"))
        if bad.any():
            raise Violation(
                INVALID_OUTPUT,
                "the prediction is not a finite number",
                np.flatnonzero(bad).tolist(),
                {"value": str(predicted[bad][0])},
            )
        return
    if subject.classes:
        known = np.isin(
            predicted,
            np.asarray(subject.classes, dtype=predicted.dtype)
            if predicted.dtype.kind != "O"
            else np.asarray(subject.classes),
        )
        if not known.all():
            raise Violation(
                INVALID_OUTPUT,
                f"predicted the unknown class {show(predicted[~known][0])}; classes are "
                f"{[plain(c) for c in subject.classes]}",
                np.flatnonzero(~known).tolist(),
            )
    if proba is None:
        return
    if proba.shape != (n, len(subject.classes) or proba.shape[1]):
        raise Violation(
            INVALID_OUTPUT,
            f"predict_proba has shape {proba.shape}, expected ({n}, {len(subject.classes)})",
            list(range(n)),
        )
    outside = ((proba < 0) | (proba > 1) | ~np.isfinite(proba)).any(axis=1)
    sums = proba.sum(axis=1)
    off = ~np.isclose(sums, 1.0, atol=1e-6)
    if outside.any():
        bad_rows = np.flatnonzero(outside).tolist()
        raise Violation(
            INVALID_OUTPUT,
            "a probability is outside [0, 1]",
            bad_rows,
            {"probabilities": proba[bad_rows[0]].tolist()},
        )
    if off.any():
        bad_rows = np.flatnonzero(off).tolist()
        raise Violation(
            INVALID_OUTPUT,
            f"probabilities sum to {sums[bad_rows[0]]:.6g}, not 1",
            bad_rows,
            {"probabilities": proba[bad_rows[0]].tolist()},
        )


def _deterministic(first: np.ndarray, second: np.ndarray, reordered: np.ndarray) -> None:
    import numpy as np

    for other, how in ((second, "predicting it again"), (reordered, "reordering the batch")):
        differ = ~same(first, other)
        if differ.any():
            bad = np.flatnonzero(differ).tolist()
            raise Violation(
                NONDETERMINISM,
                f"the same row gave {show(first[bad[0]])}, then {show(other[bad[0]])} after {how}",
                bad,
            )
