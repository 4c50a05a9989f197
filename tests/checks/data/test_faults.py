"""Every data finding kind, caught on real data with that fault injected; and a clean control."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import sekit.data
import tests.checks.data
from sekit.vocabulary import KINDS
from tests.checks.data.faults import FAULTS, LABEL, Fault, clean_frames, schema


def declared_faults() -> list[Fault]:
    """The fault table, plus the ``FAULT_CASES`` a check's own test module declares (a new
    check brings its fault cases with its tests)."""
    found = list(FAULTS)
    for info in pkgutil.iter_modules(tests.checks.data.__path__):
        if info.name.startswith("test_") and info.name != "test_faults":
            module = importlib.import_module(f"tests.checks.data.{info.name}")
            found += getattr(module, "FAULT_CASES", [])
    return found


ALL_FAULTS = declared_faults()


def test_the_clean_control_has_no_fail_finding() -> None:
    train, test = clean_frames()
    report = sekit.data.check(train, test, label=LABEL, columns=schema())
    assert report.findings(severity="fail") == []
    assert report.passed
    assert report.metrics["data.rows"] == len(train)
    assert report.metrics["data.missing_ratio"] == 0
    assert report.metrics["data.drift_share"] == 0


def test_every_data_kind_has_a_fault_case() -> None:
    data_kinds = {name for name, term in KINDS.items() if term.suite == "data"}
    # underrepresented_group needs [model].sensitive: its fault cases are in tests/checks/fairness
    assert data_kinds - {"underrepresented_group"} <= {fault.kind for fault in ALL_FAULTS}


@pytest.mark.parametrize("fault", ALL_FAULTS, ids=[f.name for f in ALL_FAULTS])
def test_the_injected_fault_is_found(fault: Fault) -> None:
    train, test = fault.inject(*clean_frames())
    columns = {**schema(), **fault.schema_changes}
    report = sekit.data.check(train, test, label=LABEL, columns=columns)
    found = [f for f in report.findings(fault.kind) if f.severity.value != "info"]
    assert found, f"no {fault.kind} finding; got {[f.kind for f in report.findings()]}"
    assert any(f.column == fault.column for f in found), [f.column for f in found]
    assert {f.severity.value for f in found if f.column == fault.column} == {fault.severity}
    if fault.severity == "fail":
        assert not report.passed
    # one fault, one kind: no unrelated check fails
    unrelated = {f.kind for f in report.findings(severity="fail")} - {fault.kind}
    assert unrelated <= ALSO_FAILS.get(fault.name, set()), unrelated


# Faults that rightly trip a second check as well.
ALSO_FAILS = {
    "numbers_as_text": {"schema_mismatch"},  # a text column where the schema says float
    "conflicting": {"duplicate_rows"},  # flipped rows repeat their features
    "dropped_column": set(),
    "test_rows_in_train": set(),
    "label_shift": {"drift"},  # features follow the label they correlate with
    "imbalanced": set(),
    "spelling": {"unexpected_category"},  # "SMALL" is not an allowed value either
    "negative": set(),
}


def test_findings_carry_evidence() -> None:
    train, test = clean_frames()
    train.loc[[3, 17, 40], "mean texture"] = None
    report = sekit.data.check(train, test, label=LABEL, columns=schema())
    [missing] = report.findings("missing_values")
    assert missing.evidence["rows"] == [3, 17, 40]
    assert missing.evidence["count"] == 3
    assert "the schema says nullable = false" in missing.message


def test_severities_and_thresholds_come_from_the_settings() -> None:
    train, test = clean_frames()
    train, test = FAULTS[1].inject(train, test)  # 15% duplicates
    strict = sekit.data.check(train, test, label=LABEL, columns=schema())
    lenient = sekit.data.check(
        train, test, label=LABEL, columns=schema(), quality={"max_duplicate_ratio": 0.5}
    )
    assert strict.findings("duplicate_rows")[0].severity.value == "fail"
    assert lenient.findings("duplicate_rows")[0].severity.value == "warn"


def test_an_identifier_column_is_not_mistaken_for_leakage() -> None:
    train, test = clean_frames()
    train["patient_id"] = range(len(train))
    test["patient_id"] = range(len(train), len(train) + len(test))
    report = sekit.data.check(train, test, label=LABEL, only=["data.label_leakage"])
    assert report.findings("label_leakage") == []


def test_regression_labels_skip_class_checks_and_use_r2_power() -> None:
    from sklearn.datasets import load_diabetes

    frame = load_diabetes(as_frame=True).frame
    frame["target_copy"] = frame["target"] * 2 + 1
    report = sekit.data.check(frame.iloc[:300], frame.iloc[300:], label="target", task="regression")
    assert report.result("data.class_imbalance").status.value == "skipped"
    assert report.result("data.conflicting_labels").status.value == "skipped"
    [leak] = report.findings("label_leakage")
    assert leak.column == "target_copy"


def test_production_inputs_are_checked_for_drift_without_a_label() -> None:
    train, test = clean_frames()
    served = test.drop(columns=[LABEL]).assign(**{"mean radius": test["mean radius"] + 8})
    served["prediction"] = 1  # logs carry more than the features: ignored
    report = sekit.data.check(train, production=served, label=LABEL, columns=schema())
    [drift] = [
        f for f in report.findings("drift", column="mean radius") if f.severity.value != "info"
    ]
    assert drift.evidence["dataset"] == "production"
    assert report.metrics["data.drift_share_production"] > 0
    assert report.findings("schema_mismatch", severity="fail") == []


def test_assert_passed_lists_the_failures() -> None:
    train, test = FAULTS[0].inject(*clean_frames())
    report = sekit.data.check(train, test, label=LABEL, columns=schema())
    with pytest.raises(AssertionError, match=r"data.missing_values fail: .*mean texture"):
        report.assert_passed()


def test_pandera_schema_is_the_same_constraints() -> None:
    import pandera.pandas as pa

    train, _ = clean_frames()
    validator = sekit.data.pandera_schema(schema())
    validator.validate(train)
    train.loc[0, "size"] = "huge"
    with pytest.raises(pa.errors.SchemaError):
        validator.validate(train)
