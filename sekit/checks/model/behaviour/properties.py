"""The team's ``[[behaviour]]`` properties: invariance and directional (CheckList's INV and DIR,
for tables). The contract every model keeps is in :mod:`.contract`."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from sekit.checks.model.behaviour.engine import (
    Batches,
    Case,
    Violation,
    plain,
    same,
    show,
)
from sekit.checks.model.behaviour.kinds import DIRECTIONAL_VIOLATION, INVARIANCE_VIOLATION
from sekit.errors import InputError
from sekit.strategies import FeatureProfile
from sekit.subjects.model import ModelUnderTest

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

# --- the properties ----------------------------------------------------------------------------


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
                INVARIANCE_VIOLATION,
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
                DIRECTIONAL_VIOLATION,
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
