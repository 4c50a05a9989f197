"""The behaviour properties: the contract every model keeps (no crash, valid outputs, the same
answer for the same input) and the team's ``[[behaviour]]`` invariance and directional
properties (CheckList's INV and DIR, for tables)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sekit.checks.model.behaviour.engine import (
    Batches,
    Case,
    Violation,
    isolate,
    plain,
    same,
    show,
)
from sekit.checks.model.subject import ModelUnderTest
from sekit.errors import InputError
from sekit.strategies import FeatureProfile

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

# --- the properties ----------------------------------------------------------------------------


def contract_properties(
    subject: ModelUnderTest, batches: Batches
) -> list[tuple[str, str, Any, Callable[[Case], int]]]:
    import numpy as np

    def frame(case: Case) -> pd.DataFrame:
        from hypothesis import assume

        made = batches.frame(case, realistic=False)
        assume(len(made) > 0)
        return made

    def crashes(rows: pd.DataFrame) -> bool:
        try:
            subject.predict(rows)
            if subject.has_proba:
                subject.predict_proba(rows)
        except Exception:
            return True
        return False

    def no_crash(case: Case) -> int:
        rows = frame(case)
        try:
            subject.predict(rows)
            if subject.has_proba:
                subject.predict_proba(rows)
        except Exception as exc:
            culprits = isolate(rows, crashes)
            raise Violation(
                "crash",
                f"{type(exc).__name__}: {str(exc)[:200]}",
                culprits,
                {"exception": type(exc).__name__},
            ) from None
        return len(rows)

    def valid_output(case: Case) -> int:
        from hypothesis import assume

        rows = frame(case)
        try:
            predicted = subject.predict(rows)
            proba = subject.predict_proba(rows) if subject.has_proba else None
        except Exception:
            assume(False)  # crashes are the crash property's business
            raise
        n = len(rows)
        if predicted.shape[0] != n:
            raise Violation(
                "invalid_output", f"{n} rows gave {predicted.shape[0]} predictions", list(range(n))
            )
        if subject.task == "regression":
            bad = ~np.isfinite(predicted.astype("float64"))
            if bad.any():
                raise Violation(
                    "invalid_output",
                    "the prediction is not a finite number",
                    np.flatnonzero(bad).tolist(),
                    {"value": str(predicted[bad][0])},
                )
            return n
        if subject.classes:
            known = np.isin(
                predicted,
                np.asarray(subject.classes, dtype=predicted.dtype)
                if predicted.dtype.kind != "O"
                else np.asarray(subject.classes),
            )
            if not known.all():
                raise Violation(
                    "invalid_output",
                    f"predicted the unknown class "
                    f"{show(predicted[~known][0])}; classes are "
                    f"{[plain(c) for c in subject.classes]}",
                    np.flatnonzero(~known).tolist(),
                )
        if proba is not None:
            if proba.shape != (n, len(subject.classes) or proba.shape[1]):
                raise Violation(
                    "invalid_output",
                    f"predict_proba has shape {proba.shape}, "
                    f"expected ({n}, {len(subject.classes)})",
                    list(range(n)),
                )
            outside = ((proba < 0) | (proba > 1) | ~np.isfinite(proba)).any(axis=1)
            sums = proba.sum(axis=1)
            off = ~np.isclose(sums, 1.0, atol=1e-6)
            if outside.any():
                rows_bad = np.flatnonzero(outside).tolist()
                raise Violation(
                    "invalid_output",
                    "a probability is outside [0, 1]",
                    rows_bad,
                    {"probabilities": proba[rows_bad[0]].tolist()},
                )
            if off.any():
                rows_bad = np.flatnonzero(off).tolist()
                raise Violation(
                    "invalid_output",
                    f"probabilities sum to {sums[rows_bad[0]]:.6g}, not 1",
                    rows_bad,
                    {"probabilities": proba[rows_bad[0]].tolist()},
                )
        return n

    def deterministic(case: Case) -> int:
        from hypothesis import assume

        rows = frame(case)
        try:
            first = subject.predict(rows)
            second = subject.predict(rows)
            reversed_rows = rows.iloc[::-1]
            third = subject.predict(reversed_rows)[::-1]
        except Exception:
            assume(False)
            raise
        for other, how in ((second, "predicting it again"), (third, "reordering the batch")):
            differ = ~same(first, other)
            if differ.any():
                bad = np.flatnonzero(differ).tolist()
                raise Violation(
                    "nondeterminism",
                    f"the same row gave {show(first[bad[0]])}, "
                    f"then {show(other[bad[0]])} after {how}",
                    bad,
                )
        return len(rows)

    strategy = batches.strategy()
    return [
        ("no crash on schema-valid input", "crash", strategy, no_crash),
        ("valid outputs", "invalid_output", strategy, valid_output),
        ("same input, same output", "nondeterminism", strategy, deterministic),
    ]


def _output(subject: ModelUnderTest, output: str) -> Callable[[pd.DataFrame], np.ndarray]:
    if output == "prediction":
        if subject.task == "classification" and not all(
            isinstance(c, int | float) or hasattr(c, "dtype") for c in subject.classes
        ):
            raise InputError(
                subject.source,
                "a directional property on 'prediction' needs numeric predictions",
                key="behaviour.output",
                hint='use output = "proba:<class>"',
            )
        return lambda rows: subject.predict(rows).astype("float64")
    label = output.removeprefix("proba:")
    if not subject.has_proba:
        raise InputError(
            subject.source,
            f"output {output!r} needs predict_proba, which the model lacks",
            key="behaviour.output",
        )
    index = subject.class_index(label)
    return lambda rows: subject.predict_proba(rows)[:, index]


def invariance(
    subject: ModelUnderTest, batches: Batches, feature: FeatureProfile
) -> Callable[[Case], int]:
    import numpy as np

    def check(case: Case) -> int:
        from hypothesis import assume

        rows = batches.frame(case, realistic=True)
        assume(len(rows) > 0)
        changed = rows.copy()
        new = feature.bulk(np.random.default_rng([case.seed, 10_001]), len(rows))
        explicit = min(len(case.values), len(rows))
        new = new.astype(object) if explicit else new
        for i in range(explicit):
            new[i] = case.values[i]
        changed[feature.name] = new
        before, after = subject.predict(rows), subject.predict(changed)
        differ = ~same(before, after)
        if differ.any():
            bad = np.flatnonzero(differ).tolist()
            first = bad[0]
            raise Violation(
                "invariance_violation",
                f"changing {feature.name!r} from "
                f"{show(rows.iloc[first][feature.name])} to "
                f"{show(changed.iloc[first][feature.name])} changed the prediction "
                f"from {show(before[first])} to {show(after[first])}",
                bad,
                {
                    "feature": feature.name,
                    "changed_to": plain(changed.iloc[first][feature.name]),
                    "before": plain(before[first]),
                    "after": plain(after[first]),
                },
            )
        return len(rows)

    return check


def directional(
    subject: ModelUnderTest, batches: Batches, feature: FeatureProfile, expect: str, output: str
) -> Callable[[Case], int]:
    import numpy as np

    if feature.kind not in ("float", "int"):
        raise InputError(
            subject.source,
            f"a directional property needs a numeric feature; {feature.name!r} is {feature.kind}",
            key="behaviour.feature",
        )
    measure = _output(subject, output)
    low = feature.low if feature.low is not None else 0.0
    high = feature.high if feature.high is not None else low + 1.0
    span = max(high - low, 1e-9)

    def check(case: Case) -> int:
        from hypothesis import assume

        rows = batches.frame(case, realistic=True)
        old = rows[feature.name].to_numpy(dtype="float64", na_value=np.nan)
        steps = np.random.default_rng([case.seed, 10_002]).uniform(0, span / 2, len(rows))
        for i, value in enumerate(case.values[: len(rows)]):
            if value is not None and not (isinstance(value, float) and math.isnan(value)):
                steps[i] = abs(float(value) - low) / 2 + span / 1000
        new = np.minimum(old + steps, high)
        if feature.kind == "int":
            new = np.ceil(new)
            new = np.where(new > high, np.floor(old), new)
        moved = ~np.isnan(old) & (new > old)
        assume(moved.any())
        base = rows[moved].reset_index(drop=True)
        raised = base.copy()
        raised[feature.name] = (
            new[moved].astype(base[feature.name].dtype, copy=False)
            if feature.kind == "int"
            else new[moved]
        )
        before, after = measure(base), measure(raised)
        wrong = (after < before - 1e-9) if expect == "non-decreasing" else (after > before + 1e-9)
        if wrong.any():
            bad = np.flatnonzero(wrong).tolist()
            first = bad[0]
            raise Violation(
                "directional_violation",
                f"raising {feature.name!r} from "
                f"{base.iloc[first][feature.name]:.6g} to "
                f"{raised.iloc[first][feature.name]:.6g} moved {output} from "
                f"{before[first]:.6g} to {after[first]:.6g}; expected {expect}",
                bad,
                {
                    "feature": feature.name,
                    "raised_to": float(raised.iloc[first][feature.name]),
                    "before": float(before[first]),
                    "after": float(after[first]),
                    "_frame": base,
                },
            )
        return int(moved.sum())

    return check
