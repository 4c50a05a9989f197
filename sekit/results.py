"""What a check returns: a frozen :class:`CheckResult` made of :class:`Finding` objects.

Checks return values; they never print or exit. The status of a result follows from its
findings (a ``check_error`` of severity ``fail`` makes it ``error``, else any ``fail`` finding
makes it ``fail``, else any ``warn`` makes it ``warn``); ``skipped`` is set explicitly. A bound
the check could not measure is such a ``check_error`` (:func:`not_measured`, :mod:`sekit.bounds`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator

from sekit.checks.kind import Kind
from sekit.checks.kinds import CHECK_ERROR


class Status(StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    ERROR = "error"
    SKIPPED = "skipped"

    @property
    def blocks(self) -> bool:
        """A ``fail`` or ``error`` blocks deployment (fail closed)."""
        return self in (Status.FAIL, Status.ERROR)


class Severity(StrEnum):
    INFO = "info"
    WARN = "warn"
    FAIL = "fail"


def jsonable(value: Any) -> Any:
    """Turn numpy/pandas scalars, arrays, paths and dates into plain JSON values.

    Non-finite floats become ``None`` (JSON has no NaN); anything unknown becomes its ``str``.
    """
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    item = getattr(value, "item", None)  # numpy scalar
    if callable(item) and getattr(value, "ndim", 1) == 0:
        return jsonable(item())
    tolist = getattr(value, "tolist", None)  # numpy array, pandas Series/Index
    if callable(tolist):
        return jsonable(tolist())
    return str(value)


class Finding(BaseModel):
    """One thing a check found: a finding ``kind`` from the shared vocabulary (SPEC.md)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str
    severity: Severity
    message: str
    column: str | None = None
    evidence: dict[str, Any] = Field(default_factory=dict)

    @field_validator("evidence", mode="before")
    @classmethod
    def _plain_evidence(cls, value: Any) -> Any:
        return jsonable(value) if isinstance(value, Mapping) else value


def _metric_value(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def not_measured(message: str, **evidence: Any) -> Finding:
    """The finding of a bound whose input could not be measured (missing, invalid, too scarce:
    :mod:`sekit.bounds`): a ``check_error`` of cause ``unmeasured``, so the result that holds it
    is ``error``, which blocks."""
    return Finding(
        kind=CHECK_ERROR.name,
        severity=Severity.FAIL,
        message=message,
        evidence={"cause": "unmeasured", **evidence},
    )


def status_from(findings: Iterable[Finding]) -> Status:
    """The status that a set of findings implies."""
    found = list(findings)
    if any(f.kind == CHECK_ERROR.name and f.severity is Severity.FAIL for f in found):
        return Status.ERROR
    severities = {f.severity for f in found}
    if Severity.FAIL in severities:
        return Status.FAIL
    if Severity.WARN in severities:
        return Status.WARN
    return Status.PASS


def _judged(
    findings: Iterable[Finding], summary: str, values: Mapping[str, Any], bounded: Mapping[str, str]
) -> tuple[tuple[Finding, ...], str]:
    """The findings with a :func:`not_measured` one for each bound in ``bounded`` whose metric
    was not measured (unless the check already said why), and the summary that tells it."""
    from sekit.bounds import measured

    found = tuple(findings)
    explained = {
        f.evidence.get("metric")
        for f in found
        if f.kind == CHECK_ERROR.name and f.evidence.get("cause") == "unmeasured"
    }
    found += tuple(
        not_measured(f"{name} was not measured, so its bound ({bound}) cannot pass", metric=name)
        for name, bound in bounded.items()
        if not measured(values.get(name)) and name not in explained
    )
    untold = [
        f.message
        for f in found
        if f.evidence.get("cause") == "unmeasured" and f.message not in summary
    ]
    return found, "; ".join([*untold, summary] if summary else untold)


def _error_finding(message: str, cause: str, evidence: Mapping[str, Any] | None) -> Finding:
    return Finding(
        kind=CHECK_ERROR.name,
        severity=Severity.FAIL,
        message=message,
        evidence={"cause": cause, **(evidence or {})},
    )


class Outcome(BaseModel):
    """What a check function returns: its findings, summary and metrics, without its identity.

    The runner stamps the identity (id, suite, engine) from the check's
    :class:`~sekit.checks.spec.CheckSpec` and the time it took, making the
    :class:`CheckResult` (as pytest builds a report from an item): a check never writes its
    own id. Build one with :meth:`from_findings` (or :func:`sekit.checks.findings.outcome`),
    :meth:`skipped` or :meth:`error`.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    status: Status
    summary: str = ""
    metrics: dict[str, float | None] = Field(default_factory=dict)
    findings: tuple[Finding, ...] = ()
    artifacts: dict[str, str] = Field(default_factory=dict)

    @field_validator("metrics", mode="before")
    @classmethod
    def _finite_metrics(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            return {str(k): _metric_value(v) for k, v in value.items()}
        return value

    @classmethod
    def from_findings(
        cls,
        findings: Iterable[Finding] = (),
        summary: str = "",
        metrics: Mapping[str, Any] | None = None,
        *,
        artifacts: Mapping[str, str] | None = None,
        bounded: Mapping[str, str] | None = None,
    ) -> Outcome:
        """An outcome whose status follows from its findings.

        ``bounded`` names the metrics the check judged against a bound of its own in this run
        (metric -> the bound as a reader would say it, e.g. ``"[monitor].max_p95_ms = 200"``).
        One that was not measured (absent, ``None`` or not finite) adds a :func:`not_measured`
        finding, unless the check already said why: a bound never passes unmeasured.
        """
        values = dict(metrics or {})
        found, told = _judged(findings, summary, values, bounded or {})
        return cls(
            status=status_from(found),
            summary=told,
            metrics=values,
            findings=found,
            artifacts=dict(artifacts or {}),
        )

    @classmethod
    def skipped(cls, reason: str) -> Outcome:
        """A check that does not apply to this project (it neither passes nor blocks)."""
        return cls(status=Status.SKIPPED, summary=reason)

    @classmethod
    def error(
        cls, message: str, *, cause: str, evidence: Mapping[str, Any] | None = None
    ) -> Outcome:
        """A check that could not do its job (see :meth:`CheckResult.error`)."""
        finding = _error_finding(message, cause, evidence)
        return cls(status=Status.ERROR, summary=message, findings=(finding,))


class CheckResult(BaseModel):
    """The frozen outcome of one check, under the check's identity.

    ``metrics`` use short names (``missing_ratio``) that the report qualifies with the suite
    (``data.missing_ratio``); a name that already holds a dot (``behaviour.failures``) is kept
    as it is. A metric whose value is not finite is stored as ``None`` and never passes a gate.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    suite: str
    engine: str = "native"
    status: Status
    duration_s: float = 0.0
    summary: str = ""
    metrics: dict[str, float | None] = Field(default_factory=dict)
    findings: tuple[Finding, ...] = ()
    artifacts: dict[str, str] = Field(default_factory=dict)

    @field_validator("metrics", mode="before")
    @classmethod
    def _finite_metrics(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            return {str(k): _metric_value(v) for k, v in value.items()}
        return value

    @classmethod
    def stamped(cls, outcome: Outcome, *, id: str, suite: str, engine: str = "native") -> Self:
        """The result of a check's :class:`Outcome` under the check's identity."""
        return cls(id=id, suite=suite, engine=engine, **outcome.model_dump())

    @classmethod
    def from_findings(
        cls,
        *,
        id: str,
        suite: str,
        findings: Iterable[Finding] = (),
        summary: str = "",
        metrics: Mapping[str, Any] | None = None,
        engine: str = "native",
        artifacts: Mapping[str, str] | None = None,
        bounded: Mapping[str, str] | None = None,
    ) -> Self:
        """A result whose status follows from its findings (:meth:`Outcome.from_findings`),
        for code that runs checks itself (the runner, tests, reports)."""
        outcome = Outcome.from_findings(
            findings, summary, metrics, artifacts=artifacts, bounded=bounded
        )
        return cls.stamped(outcome, id=id, suite=suite, engine=engine)

    @classmethod
    def skipped(cls, *, id: str, suite: str, reason: str, engine: str = "native") -> Self:
        """A check that does not apply to this project (it neither passes nor blocks)."""
        return cls.stamped(Outcome.skipped(reason), id=id, suite=suite, engine=engine)

    @classmethod
    def error(
        cls,
        *,
        id: str,
        suite: str,
        message: str,
        cause: str,
        engine: str = "native",
        evidence: Mapping[str, Any] | None = None,
    ) -> Self:
        """A check that could not do its job. ``cause`` is ``input``, ``timeout``, ``internal``
        or ``unmeasured`` (it ran, but what its bound needs could not be measured).

        It carries one ``check_error`` finding of severity ``fail``: it never passes.
        """
        outcome = Outcome.error(message, cause=cause, evidence=evidence)
        return cls.stamped(outcome, id=id, suite=suite, engine=engine)

    def qualified_metrics(self) -> dict[str, float | None]:
        """Metrics under their report-wide names (``suite.name``)."""
        return {(k if "." in k else f"{self.suite}.{k}"): v for k, v in self.metrics.items()}

    def with_severities(self, overrides: Mapping[str, Severity]) -> CheckResult:
        """Apply the config's explicit ``[severity]`` overrides and recompute the status.

        ``check_error`` is never lowered, and ``error`` / ``skipped`` results keep their status.
        """
        if not overrides or self.status in (Status.ERROR, Status.SKIPPED):
            return self
        findings = tuple(
            f.model_copy(update={"severity": overrides[f.kind]})
            if f.kind in overrides and f.kind != CHECK_ERROR.name
            else f
            for f in self.findings
        )
        return self.model_copy(update={"findings": findings, "status": status_from(findings)})

    def with_duration(self, seconds: float) -> CheckResult:
        return self.model_copy(update={"duration_s": round(seconds, 4)})


class Evidence(BaseModel):
    """Data a check keeps for its pictures, typed: a subclass declares the fields, the check
    stores it with :meth:`finding` (an ``info`` finding of one of the check's kinds) and its
    ``figures`` hook reads it back with :meth:`read`. A renamed or missing key is then a
    validation error where the picture is drawn, never a chart that silently disappears.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: ClassVar[str]  # its mark in the finding's evidence ("figure": name)

    def finding(self, kind: Kind, message: str, *, column: str | None = None) -> Finding:
        """An ``info`` finding of ``kind`` (a declared :class:`~sekit.checks.spec.Kind`)
        that carries this evidence."""
        evidence = {"figure": self.name, **self.model_dump(mode="json")}
        return Finding(
            kind=kind.name,
            severity=Severity.INFO,
            message=message,
            column=column,
            evidence=evidence,
        )

    @classmethod
    def read(cls, result: CheckResult) -> Self | None:
        """The evidence in ``result``, validated; ``None`` when the check kept none."""
        for found in result.findings:
            if found.severity is Severity.INFO and found.evidence.get("figure") == cls.name:
                fields = {k: v for k, v in found.evidence.items() if k != "figure"}
                return cls.model_validate(fields)
        return None
