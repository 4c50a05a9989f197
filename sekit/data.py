"""Data tests from Python: the checks of ``sekit check data`` on DataFrames, for pytest.

Example (a test in a team's repository)::

    import pandas as pd
    import sekit.data

    def test_training_data_is_clean():
        train = pd.read_csv("data/processed/train.csv")
        test = pd.read_csv("data/processed/test.csv")
        report = sekit.data.check(
            train, test, label="quality",
            columns={"alcohol": {"type": "float", "min": 0, "max": 20}},
        )
        report.assert_passed()          # fails with every fail-level finding listed

    def test_no_drift_in_served_inputs():
        served = pd.read_json("logs/requests.jsonl", lines=True)
        report = sekit.data.check(train, production=served, only=["data.drift"])
        assert report.metrics["data.drift_share"] <= 0.1

:func:`pandera_schema` gives the same ``[data.columns]`` constraints as a pandera schema, for
validating inside the pipeline (e.g. in the sanitize stage).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sekit.config.schema import Column, Drift, Leakage, Quality
from sekit.results import CheckResult, Finding

if TYPE_CHECKING:
    import pandera.pandas as pa


@dataclass(frozen=True)
class DataReport:
    """The results of the data checks, with helpers for assertions."""

    results: tuple[CheckResult, ...]

    @property
    def passed(self) -> bool:
        """No check ended ``fail`` or ``error``."""
        return not any(r.status.blocks for r in self.results)

    @property
    def metrics(self) -> dict[str, float | None]:
        merged: dict[str, float | None] = {}
        for item in self.results:
            for name, value in item.qualified_metrics().items():
                merged.setdefault(name, value)
        return merged

    def findings(
        self, kind: str | None = None, *, column: str | None = None, severity: str | None = None
    ) -> list[Finding]:
        return [
            f
            for r in self.results
            for f in r.findings
            if (kind is None or f.kind == kind)
            and (column is None or f.column == column)
            and (severity is None or f.severity.value == severity)
        ]

    def result(self, check_id: str) -> CheckResult:
        return next(r for r in self.results if r.id == check_id)

    def assert_passed(self) -> None:
        """Raise ``AssertionError`` listing every blocking finding (for pytest)."""
        if self.passed:
            return
        lines = [
            f"{r.id} {r.status.value}: "
            + "; ".join(f.message for f in r.findings if f.severity.value == "fail")
            or r.summary
            for r in self.results
            if r.status.blocks
        ]
        raise AssertionError("data checks failed:\n  " + "\n  ".join(lines))


def check(
    train: Any,
    test: Any = None,
    production: Any = None,
    *,
    label: str | None = None,
    columns: Mapping[str, Column | Mapping[str, Any]] | None = None,
    ignore: Iterable[str] = (),
    group: str | None = None,
    task: str | None = None,
    drift: Drift | Mapping[str, Any] | None = None,
    quality: Quality | Mapping[str, Any] | None = None,
    leakage: Leakage | Mapping[str, Any] | None = None,
    only: Iterable[str] | None = None,
    severity: Mapping[str, str] | None = None,
    timeout: float = 600.0,
) -> DataReport:
    """Run the native data checks on DataFrames (or CSV/Parquet/JSONL paths).

    ``columns`` is ``[data.columns]`` as dicts or :class:`~sekit.config.schema.Column`;
    ``only`` restricts the run to some check ids (``"data.drift"``, ...); ``severity`` lowers
    or raises finding kinds as ``[severity]`` does; ``timeout`` is the time limit per check.
    The checks run through sekit's runner, exactly as in ``sekit check data``: a check that
    raises, or runs past its time limit, becomes an ``error`` result.
    """
    from sekit.checks import specs
    from sekit.checks.context import Context, RunOptions
    from sekit.config.schema import Checks, Config, Project
    from sekit.runner import run_check
    from sekit.subjects.datasets import DataBundle

    bundle = DataBundle(
        train=_dataset("train", train),
        test=_dataset("test", test) if test is not None else None,
        production=_dataset("production", production) if production is not None else None,
        label=label,
        columns={
            n: c if isinstance(c, Column) else Column.model_validate(c)
            for n, c in (columns or {}).items()
        },
        ignore=tuple(ignore),
        group=group,
        drift=_section(Drift, drift),
        quality=_section(Quality, quality),
        leakage=_section(Leakage, leakage),
        task=task,
    )
    if group is not None and group not in bundle.train.frame.columns:
        raise ValueError(f"group column {group!r} is not a column of the training data")
    native = specs("data", engine="native")
    known = [spec.id for spec in native]
    wanted = set(only) if only is not None else None
    if wanted is not None and (unknown := wanted - set(known)):
        raise ValueError(f"unknown data checks {sorted(unknown)}; known: {sorted(known)}")
    config = Config(
        project=Project(name="sekit.data.check"),
        severity=dict(severity or {}),
        checks=Checks(timeout=timeout),
    )
    ctx = Context(config, RunOptions())
    ctx.provide("data.bundle", bundle)
    results = [
        run_check(spec, ctx, timeout) for spec in native if wanted is None or spec.id in wanted
    ]
    return DataReport(tuple(results))


def pandera_schema(columns: Mapping[str, Column | Mapping[str, Any]]) -> pa.DataFrameSchema:
    """``[data.columns]`` as a pandera ``DataFrameSchema`` (nullable, min/max, allowed)."""
    from sekit.subjects.columns import to_pandera

    return to_pandera(
        {n: c if isinstance(c, Column) else Column.model_validate(c) for n, c in columns.items()}
    )


def _section(kind: type[Any], value: Any) -> Any:
    if value is None:
        return kind()
    return value if isinstance(value, kind) else kind.model_validate(value)


def _dataset(role: str, value: Any) -> Any:
    import pandas as pd

    from sekit.subjects.datasets import Dataset
    from sekit.subjects.tables import read_table

    if isinstance(value, pd.DataFrame):
        return Dataset(role, value, f"<{role} DataFrame>")
    if isinstance(value, str | Path):
        return Dataset(role, read_table(Path(value)), str(value))
    raise TypeError(f"{role} must be a DataFrame or a path, not {type(value).__name__}")


__all__ = ["DataReport", "check", "pandera_schema"]
