"""``minimum`` behaviour: labelled cases the model must get right (CheckList's MFT)."""

from __future__ import annotations

import time
from typing import Any

from sekit.checks.findings import finding
from sekit.checks.model.behaviour.engine import Outcome, records
from sekit.checks.model.behaviour.kinds import MINIMUM_FUNCTIONALITY
from sekit.errors import DataLoadError
from sekit.subjects.model import ModelUnderTest
from sekit.subjects.tables import read_table


def run_minimum(name: str, subject: ModelUnderTest, item: Any, data: Any) -> Outcome:
    import numpy as np

    start = time.perf_counter()
    cases = read_table(item.cases, key="behaviour.cases")
    label = data.label if data is not None and data.label in cases.columns else "expected"
    if label not in cases.columns:
        raise DataLoadError(
            item.cases,
            f"needs the expected answer in a column named "
            f"{data.label if data is not None else 'expected'!r}",
            key="behaviour.cases",
        )
    missing = [f for f in subject.features if f not in cases.columns]
    if missing:
        raise DataLoadError(
            item.cases, f"lacks the model's features {missing[:6]}", key="behaviour.cases"
        )
    predicted = subject.predict(cases)
    expected = cases[label].to_numpy()
    if subject.task == "regression":
        right = np.isclose(predicted.astype("float64"), expected.astype("float64"), rtol=0.1)
    else:
        right = predicted.astype(str) == expected.astype(str)
    accuracy = float(np.mean(right))
    outcome = Outcome(name, MINIMUM_FUNCTIONALITY.name, cases=len(cases))
    if accuracy < item.min_accuracy:
        wrong = np.flatnonzero(~right).tolist()
        outcome.finding = finding(
            MINIMUM_FUNCTIONALITY,
            "fail",
            f"{name}: {accuracy:.0%} of the {len(cases)} cases "
            f"in {item.cases.name} are right, {item.min_accuracy:.0%} required; e.g. expected "
            f"{expected[wrong[0]]!r}, got {predicted[wrong[0]]!r}",
            property=name,
            accuracy=accuracy,
            wrong=len(wrong),
            example=records(cases, wrong),
        )
    outcome.seconds = time.perf_counter() - start
    return outcome
