"""``data.identifier_columns`` on real data: ids found, unique measurements and free text left
alone."""

from __future__ import annotations

import pandas as pd

import sekit.data
from tests.checks.data.faults import LABEL, Fault, clean_frames, schema


def with_patient_id(train: pd.DataFrame, test: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ids numbered before the random split, as a registry numbers its patients."""
    import numpy as np

    ids = np.random.default_rng(0).permutation(len(train) + len(test)) + 1000
    return train.assign(patient_id=ids[: len(train)]), test.assign(patient_id=ids[len(train) :])


FAULT_CASES = [
    Fault(
        "patient_id",
        with_patient_id,
        "identifier_column",
        "patient_id",
        "warn",
        schema_changes={"patient_id": {"type": "int"}},
    ),
]


def test_codes_without_spaces_are_identifiers() -> None:
    train, test = clean_frames()
    train["email"] = [f"patient{i}@clinic.example" for i in range(len(train))]
    report = sekit.data.check(train, test, label=LABEL, only=["data.identifier_columns"])
    [found] = report.findings("identifier_column")
    assert found.column == "email" and found.severity.value == "warn"
    assert "list it in data.ignore" in found.message


def test_unique_measurements_free_text_and_ignored_ids_are_left_alone() -> None:
    train, test = clean_frames()
    train["note"] = [f"seen on day {i} by the nurse" for i in range(len(train))]
    train["income"] = [i * 997 for i in range(len(train))]  # unique, but not consecutive
    train["row"] = range(len(train))
    report = sekit.data.check(
        train, test, label=LABEL, ignore=["row"], only=["data.identifier_columns"]
    )
    assert report.findings("identifier_column") == []  # "mean radius" is unique floats too
    assert report.metrics["data.identifier_columns"] == 0


def test_the_clean_data_passes() -> None:
    report = sekit.data.check(*clean_frames(), label=LABEL, columns=schema())
    assert report.result("data.identifier_columns").status.value == "pass"
