"""Gates: bounds on metrics, and the verdict that blocks or passes a deployment.

The verdict is ``fail`` when any check ends ``fail`` or ``error``, when any gate's bound is
missed, when a gated metric was not produced or not measured by the run (fail closed: NaN and
the infinities are not measurements, :mod:`sekit.bounds`), or when nothing was checked at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from sekit.bounds import Bound
from sekit.checks.kinds import CHECK_ERROR
from sekit.config.schema import Config, Gate
from sekit.errors import did_you_mean
from sekit.report.model import GateResult, ProjectInfo, ReleaseDecision, Report, Verdict
from sekit.results import CheckResult, Severity, Status


def collect_metrics(checks: Iterable[CheckResult]) -> dict[str, float | None]:
    """All metrics of a run under their report-wide names; the first producer of a name wins."""
    metrics: dict[str, float | None] = {}
    for check in checks:
        for name, value in check.qualified_metrics().items():
            metrics.setdefault(name, value)
    return metrics


def evaluate_gates(
    metrics: Mapping[str, float | None], gates: Mapping[str, Gate]
) -> list[GateResult]:
    """Compare each gated metric with its bound. A metric the run did not produce, or did not
    measure (``None``, NaN, an infinity: :mod:`sekit.bounds`), never passes."""
    results = []
    for metric, gate in gates.items():
        value = metrics.get(metric)
        bound = Bound(gate.min, gate.max)
        judged = bound.judge(value)
        if not bound.usable:
            passed, reason = False, "the gate's bound is not a finite number (fail closed)"
        elif metric not in metrics:
            passed, reason = False, _not_produced(metric, metrics)
        elif judged == "unmeasured":
            passed, reason = False, _not_measured(metric, value)
        elif judged == "beyond":
            assert value is not None
            passed, reason = False, _missed(value, gate)
        else:
            passed, reason = True, ""
        results.append(
            GateResult(
                metric=metric, min=gate.min, max=gate.max, value=value, passed=passed, reason=reason
            )
        )
    return results


def _missed(value: float, gate: Gate) -> str:
    if gate.min is not None and value < gate.min:
        return f"{value:g} is below the minimum {gate.min:g}"
    assert gate.max is not None
    return f"{value:g} is above the maximum {gate.max:g}"


def _not_measured(metric: str, value: float | None) -> str:
    shown = "no value" if value is None else f"{value!r}, not a finite number"
    return (
        f"not measured: the run produced {shown} for it (a check that could not measure it "
        "ended error); an unmeasured bound never passes"
    )


def _not_produced(metric: str, metrics: Mapping[str, float | None]) -> str:
    from sekit.checks import specs

    reason = "not produced by this run (fail closed)"
    declared = {name for spec in specs() for name in spec.metric_names}
    known = sorted(set(metrics) | declared)
    if metric not in declared:
        suggestion = did_you_mean(metric, known, cutoff=0.7)
        if suggestion:
            return f"{reason}; {suggestion}"
    suite = metric.split(".", 1)[0]
    if suite in {"data", "model", "load", "behaviour"}:
        suite = "model" if suite == "behaviour" else suite
        if not any(name.startswith(metric.split(".", 1)[0] + ".") for name in metrics):
            return f"{reason}; the {suite} checks did not run"
    return reason


def verdict(checks: Sequence[CheckResult], gates: Sequence[GateResult]) -> Verdict:
    if any(check.status.blocks for check in checks):
        return "fail"
    if any(not gate.passed for gate in gates):
        return "fail"
    if not gates and not any(check.status is not Status.SKIPPED for check in checks):
        return "fail"  # nothing was checked: never a pass
    return "pass"


def build_report(config: Config, checks: Sequence[CheckResult], *, gate: bool) -> Report:
    """The report of a run; with ``gate`` the config's ``[gates]`` are evaluated too."""
    metrics = collect_metrics(checks)
    gate_results = evaluate_gates(metrics, config.gates) if gate else []
    from sekit.provenance import record

    return Report(
        project=ProjectInfo(name=config.project.name, root=str(config.root)),
        verdict=verdict(checks, gate_results),
        checks=list(checks),
        metrics=metrics,
        gates=gate_results,
        provenance=record(config),
        release=release_decision(checks, gate_results),
    )


def regate(report: Report, config: Config) -> Report:
    """Evaluate the config's gates again on a saved report's checks and metrics."""
    gate_results = evaluate_gates(report.metrics, config.gates)
    return report.model_copy(
        update={
            "gates": gate_results,
            "verdict": verdict(report.checks, gate_results),
            "release": release_decision(report.checks, gate_results),
        }
    )


def release_decision(
    checks: Sequence[CheckResult], gates: Sequence[GateResult]
) -> ReleaseDecision | None:
    """Promote or roll back, and why: ``None`` when no release check ran.

    Roll back when a release check failed or errored, or a gate on a ``release.*`` metric
    missed its bound (an unmeasured release is never promoted); promote otherwise."""
    ran = [c for c in checks if c.suite == "release" and c.status is not Status.SKIPPED]
    if not ran:
        return None
    reasons: list[str] = []
    for check in ran:
        if check.status is Status.ERROR:
            reasons.append(f"{check.id} could not measure: {check.summary}")
        reasons += [
            f"{f.kind}: {f.message}"
            for f in check.findings
            if f.severity is Severity.FAIL and f.kind != CHECK_ERROR.name
        ]
    reasons += [
        f"gate {g.metric} {g.bound}: {g.value if g.value is not None else 'not measured'}"
        for g in gates
        if g.metric.startswith("release.") and not g.passed
    ]
    if reasons:
        return ReleaseDecision(decision="roll back", reasons=reasons)
    return ReleaseDecision(decision="promote", reasons=[c.summary for c in ran])
