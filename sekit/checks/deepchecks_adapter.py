"""Running Deepchecks suites for the ``deepchecks`` engine, and reading their results.

Deepchecks 0.19.1 is an optional extra (``pip install 'sekit-ml[deepchecks]'``, AGPL-3.0) that
only works on numpy<2, pandas<3, scikit-learn<1.8. This module imports it lazily, always with its
telemetry switched off, and turns a suite's results into sekit findings:

* every failed condition becomes a finding whose kind and severity come from sekit's own table
  (Deepchecks' default conditions fail on most real data, so not every one blocks);
* a check that did not run because it does not apply (no datetime or index column, a task it
  does not support) is reported as ``info``; any other check that did not run is a
  ``check_error`` and makes the result ``error``: it never counts as passed.
"""

from __future__ import annotations

import contextlib
import io
import os
import warnings
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sekit.checks.kinds import CHECK_ERROR
from sekit.checks.spec import DeepchecksRule, Rule
from sekit.errors import MissingExtraError
from sekit.results import Finding, Outcome, Severity, Status

if TYPE_CHECKING:
    import pandas as pd

    from sekit.subjects.datasets import DataBundle

MAX_ROWS = 100_000  # rows of one frame handed to Deepchecks

# Checks that do not apply to some projects, and the Deepchecks exception that says so: a
# dataset without an index or a datetime column, a check for another task or model type. Any
# other check that did not run is an error. (Deepchecks 0.19.1, measured on the scikit-learn
# datasets; recognised by type, never by the words of the message.)
_NO_INDEX_OR_DATE = frozenset({"DatasetValidationError"})
_OTHER_TASK = frozenset({"ModelValidationError"})
NOT_APPLICABLE: dict[str, frozenset[str]] = {
    "IdentifierLabelCorrelation": _NO_INDEX_OR_DATE,
    "DateTrainTestLeakageDuplicates": _NO_INDEX_OR_DATE,
    "DateTrainTestLeakageOverlap": _NO_INDEX_OR_DATE,
    "IndexTrainTestLeakage": _NO_INDEX_OR_DATE,
    "ConflictingLabels": _OTHER_TASK,
    "NewLabelTrainTest": _OTHER_TASK,
    "ClassImbalance": _OTHER_TASK,
    "RocReport": _OTHER_TASK,
    "ConfusionMatrixReport": _OTHER_TASK,
    "CalibrationScore": _OTHER_TASK,
    "RegressionErrorDistribution": _OTHER_TASK,
    "BoostingOverfit": _OTHER_TASK,
}


def import_deepchecks() -> None:
    """Import deepchecks with telemetry off; a missing extra is a one-line error (exit 2)."""
    os.environ["DISABLE_DEEPCHECKS_ANONYMOUS_TELEMETRY"] = "1"
    try:
        with _quiet():
            import deepchecks.tabular  # noqa: F401
    except ImportError as exc:
        # Absent, or installed beside numpy 2 / pandas 3 / scikit-learn 1.8, where it fails.
        raise MissingExtraError("deepchecks", "deepchecks") from exc


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Deepchecks prints progress bars and emits many warnings; keep sekit's output clean."""
    with (
        warnings.catch_warnings(),
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(io.StringIO()),
    ):
        warnings.simplefilter("ignore")
        yield


def run_suite(suite: Any, **datasets: Any) -> Any:
    with _quiet():
        return suite.run(with_display=False, **datasets)


def save_html(result: Any, path: Path) -> Path:
    """Deepchecks' own report, offline (no widgets, no CDN), next to sekit's report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _quiet(), path.open("w", encoding="utf-8") as handle:
        result.save_as_html(handle, as_widget=False)
    return path


def findings_of(
    result: Any, rules: Mapping[str, DeepchecksRule], columns: Iterable[str] = ()
) -> tuple[list[Finding], int, int]:
    """Findings from a suite result, with (failed conditions, checks that errored).

    A finding names a column when the condition's details quote exactly one of ``columns``.
    """
    known = set(columns)
    from deepchecks.core.check_result import CheckFailure

    findings: list[Finding] = []
    failed = errored = 0
    for item in result.results:
        name = type(item.check).__name__
        header = item.get_header()
        if isinstance(item, CheckFailure):
            message = (
                str(item.exception).splitlines()[0]
                if str(item.exception)
                else type(item.exception).__name__
            )
            if type(item.exception).__name__ in NOT_APPLICABLE.get(name, frozenset()):
                findings.append(
                    Finding(
                        kind=CHECK_ERROR.name,
                        severity=Severity.INFO,
                        message=f"Deepchecks '{header}' does not apply: {message}",
                        evidence={"check": name, "cause": "not_applicable"},
                    )
                )
            else:
                errored += 1
                findings.append(
                    Finding(
                        kind=CHECK_ERROR.name,
                        severity=Severity.FAIL,
                        message=f"Deepchecks '{header}' did not run: "
                        f"{type(item.exception).__name__}: {message}",
                        evidence={"check": name, "cause": "internal"},
                    )
                )
            continue
        for condition in item.conditions_results:
            if condition.is_pass():
                continue
            failed += 1
            rule = rules.get(name, Rule(CHECK_ERROR, "warn"))
            chosen = rule(condition.name) if callable(rule) else rule
            findings.append(
                Finding(
                    kind=chosen.kind.name,
                    severity=Severity(chosen.severity),
                    message=f"Deepchecks '{header}': {condition.name}: {condition.details}",
                    column=_column(condition.details, known),
                    evidence={
                        "check": name,
                        "condition": condition.name,
                        "details": condition.details,
                    },
                )
            )
    return findings, failed, errored


def _column(details: str, known: set[str]) -> str | None:
    """The column a condition's details name, when they name exactly one."""
    named = {column for column in known if f"'{column}'" in details}
    return named.pop() if len(named) == 1 else None


def build_result(
    findings: list[Finding],
    failed: int,
    errored: int,
    html: Path | None,
    total: int,
) -> Outcome:
    summary = (
        f"{failed} Deepchecks conditions failed" if failed else "every Deepchecks condition passed"
    )
    if errored:
        summary += f"; {errored} of {total} checks did not run"
    made = Outcome.from_findings(
        findings=findings,
        summary=summary,
        metrics={"deepchecks_failed_conditions": failed, "deepchecks_checks_not_run": errored},
        artifacts={"html": str(html)} if html is not None else None,
    )
    if errored:
        made = made.model_copy(update={"status": Status.ERROR})
    return made


def deepchecks_dataset(bundle: DataBundle, frame: pd.DataFrame, *, with_label: bool) -> Any:
    """A Deepchecks ``Dataset`` of a frame of the run (the data and the model engines): the
    bundle's features, its label when asked, categories as declared; above :data:`MAX_ROWS`
    rows a seeded sample (Deepchecks needs the whole frame in memory, several times)."""
    from deepchecks.tabular import Dataset

    if len(frame) > MAX_ROWS:
        frame = frame.sample(n=MAX_ROWS, random_state=0)
    features = [c for c in bundle.features if c in frame.columns]
    label = bundle.label if with_label and bundle.label in frame.columns else None
    categorical = [
        c
        for c in features
        if c in bundle.columns and bundle.columns[c].type in ("category", "bool", "string")
    ]
    columns = features + ([label] if label else [])
    return Dataset(
        frame[columns],
        label=label,
        cat_features=categorical or None,
        label_type=None
        if label is None
        else ("multiclass" if bundle.is_classification() else "regression"),
    )
