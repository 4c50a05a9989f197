"""Gates: bounds on metrics, and the verdict that blocks or passes a deployment.

The verdict is ``fail`` when any check ends ``fail`` or ``error``, when any gate's bound is
missed, when a gated metric was not produced by the run (fail closed), or when nothing was
checked at all.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping, Sequence

from sekit import vocabulary
from sekit.config.schema import Config, Gate
from sekit.report.model import GateResult, ProjectInfo, Report, Verdict
from sekit.results import CheckResult, Status


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
    """Compare each gated metric with its bound. A missing or non-numeric value never passes."""
    results = []
    for metric, gate in gates.items():
        value = metrics.get(metric)
        bounds = [b for b in (gate.min, gate.max) if b is not None]
        if not bounds or not all(math.isfinite(b) for b in bounds):
            passed, reason = False, "the gate's bound is not a finite number (fail closed)"
        elif metric not in metrics:
            passed, reason = False, _not_produced(metric, metrics)
        elif value is None or not math.isfinite(value):
            passed, reason = False, "the run produced no numeric value for it"
        elif gate.min is not None and value < gate.min:
            passed, reason = False, f"{value:g} is below the minimum {gate.min:g}"
        elif gate.max is not None and value > gate.max:
            passed, reason = False, f"{value:g} is above the maximum {gate.max:g}"
        else:
            passed, reason = True, ""
        results.append(
            GateResult(
                metric=metric, min=gate.min, max=gate.max, value=value, passed=passed, reason=reason
            )
        )
    return results


def _not_produced(metric: str, metrics: Mapping[str, float | None]) -> str:
    reason = "not produced by this run (fail closed)"
    known = sorted(set(metrics) | set(vocabulary.METRICS))
    if metric not in vocabulary.METRICS:
        close = difflib.get_close_matches(metric, known, n=1, cutoff=0.7)
        if close:
            return f"{reason}; did you mean {close[0]!r}?"
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
    from sekit.checks.release import decision
    from sekit.provenance import collect

    return Report(
        project=ProjectInfo(name=config.project.name, root=str(config.root)),
        verdict=verdict(checks, gate_results),
        checks=list(checks),
        metrics=metrics,
        gates=gate_results,
        provenance=collect(config),
        release=decision(checks, gate_results),
    )


def regate(report: Report, config: Config) -> Report:
    """Evaluate the config's gates again on a saved report's checks and metrics."""
    from sekit.checks.release import decision

    gate_results = evaluate_gates(report.metrics, config.gates)
    return report.model_copy(
        update={
            "gates": gate_results,
            "verdict": verdict(report.checks, gate_results),
            "release": decision(report.checks, gate_results),
        }
    )
