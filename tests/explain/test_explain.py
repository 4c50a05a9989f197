"""Every finding kind and metric explains itself, in the CLI and in reports."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sekit.explain import catalogue, explain, why
from sekit.vocabulary import KINDS, METRICS
from sekit_cli.app import cli

# The vocabulary of SPEC.md (kept here as data: renaming any of them breaks users).
SPEC_KINDS = """missing_values duplicate_rows conflicting_labels mixed_types out_of_range
unexpected_category schema_mismatch constant_column label_leakage drift label_drift
class_imbalance outliers string_mismatch performance weak_slice simple_model_better
invariance_violation directional_violation minimum_functionality crash invalid_output
nondeterminism baseline_regression latency error_rate throughput service_unavailable
check_error""".split()
SPEC_METRICS = """data.rows data.missing_ratio data.duplicate_ratio data.drift_share model.accuracy
model.f1_macro model.roc_auc model.r2 model.mae model.rmse behaviour.cases behaviour.failures
load.requests load.rps load.error_rate load.p50_ms load.p95_ms load.p99_ms""".split()
SEKIT = Path(__file__).resolve().parents[2] / "sekit"


def declared_kinds() -> dict[str, str]:
    """Every finding kind declared in sekit: each module-level ``Kind`` object (findings are
    made from these objects only, tests/checks/test_identity.py), by name -> its module."""
    import importlib

    from sekit.checks.spec import Kind

    found: dict[str, str] = {}
    for path in sorted(SEKIT.rglob("*.py")):
        if "Kind(" not in path.read_text() and "_kind(" not in path.read_text():
            continue
        parts = path.relative_to(SEKIT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, Kind) and value.name not in found:
                found[value.name] = name
    return found


def test_the_spec_vocabulary_is_all_there() -> None:
    assert set(SPEC_KINDS) <= set(KINDS)
    assert set(SPEC_METRICS) <= set(METRICS)


def test_every_kind_the_code_emits_is_in_the_vocabulary() -> None:
    declared = declared_kinds()
    assert len(declared) > 60
    assert set(declared) <= set(KINDS), {k: m for k, m in declared.items() if k not in KINDS}


def test_every_kind_and_metric_is_explained() -> None:
    for name in [*KINDS, *METRICS]:
        entry = explain(name)
        for text in (entry.why, entry.investigate, entry.fix, entry.checked_by):
            assert len(text) > 10, (name, text)


def test_the_cli_lists_by_suite_and_explains_one(runner: CliRunner) -> None:
    listing = runner.invoke(cli, ["explain"])
    assert listing.exit_code == 0
    assert list(catalogue()) == [
        *("tests", "data", "model", "load", "endpoint", "release", "monitor", "experiment"),
        *("any", "metrics"),
    ]
    assert "label_leakage" in listing.stdout and "load.p95_ms" in listing.stdout
    one = runner.invoke(cli, ["explain", "label_leakage"])
    assert one.exit_code == 0
    assert "Why it matters" in one.stdout
    assert "inflates offline accuracy" in one.stdout


def test_an_unknown_name_exits_2_with_a_suggestion(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["explain", "label_leak"])
    assert result.exit_code == 2
    assert "did you mean 'label_leakage'?" in result.stderr


@pytest.mark.parametrize("kind", ["drift", "latency", "crash"])
def test_why_is_one_sentence_for_reports(kind: str) -> None:
    text = why(kind)
    assert text is not None and text.endswith(".") and "\n" not in text


STATISTICAL = [
    "drift",
    "label_drift",
    "duplicate_rows",
    "conflicting_labels",
    "label_leakage",
    "baseline_regression",
    "weak_slice",
]


@pytest.mark.parametrize("kind", STATISTICAL)
def test_statistical_verdicts_say_how_sure_they_are(kind: str, runner: CliRunner) -> None:
    assert len(explain(kind).trust) > 80
    shown = runner.invoke(cli, ["explain", kind])
    assert shown.exit_code == 0 and "How sure" in shown.output


def test_a_contract_kind_has_no_how_sure_section(runner: CliRunner) -> None:
    shown = runner.invoke(cli, ["explain", "missing_values"])
    assert shown.exit_code == 0 and "How sure" not in shown.output


def test_config_keys_in_the_texts_are_printed_not_eaten_as_markup() -> None:
    """rich reads "[data]" as a style tag: the explain texts name keys such as [data].group."""
    from click.testing import CliRunner

    from sekit_cli.app import cli

    outcome = CliRunner().invoke(cli, ["explain", "repeated_entities"])
    assert outcome.exit_code == 0, outcome.output
    assert '[data].group = "column"' in outcome.output
    assert "[data.leakage].max_overlap" in outcome.output
