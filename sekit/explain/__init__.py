"""``sekit explain``: what a finding kind or a metric means, why it matters in production, how
to investigate it, how to fix it, and what checks it.

The texts are the ones each check declares with its kinds and metrics
(:class:`~sekit.checks.spec.CheckSpec`); "checked by" is derived from the declarations: the
checks that emit a kind, the config keys that tune them, and the gates on their metrics. The
``why`` sentence is also attached to findings in the Markdown and HTML reports.
"""

from __future__ import annotations

from dataclasses import dataclass

from sekit.checks import specs
from sekit.checks.kinds import CHECK_ERROR
from sekit.errors import UsageError, did_you_mean
from sekit.vocabulary import Term, declared


@dataclass(frozen=True)
class Explanation:
    name: str
    what: str  # "finding kind" or "metric"
    suite: str
    summary: str
    why: str
    investigate: str
    fix: str
    checked_by: str
    trust: str = ""  # how sure a finding of this kind is (kinds that are statistical verdicts)


def _kind_checked_by(name: str) -> str:
    if name == CHECK_ERROR.name:
        return "every check; [checks].timeout"
    emitting = [spec for spec in specs() if name in spec.kind_names]
    parts = [spec.id for spec in emitting]
    for spec in emitting:
        parts += [key for key in spec.settings if key not in parts]
    for spec in emitting:
        parts += [f"gate {metric}" for metric in spec.metric_names if f"gate {metric}" not in parts]
    return "; ".join(parts) or "no check emits it yet"


def _metric_checked_by(name: str, gate: str | None) -> str:
    if gate is None:
        return "informational; usually not gated"
    return f'gate it in [gates], e.g. "{name}" = {{ {gate} }}'


def explain(name: str) -> Explanation:
    """The explanation of a finding kind or a metric; a UsageError with "did you mean"."""
    kinds, metrics = declared()
    if name in kinds:
        kind, suite = kinds[name]
        return Explanation(
            name,
            "finding kind",
            suite,
            kind.summary,
            kind.why,
            kind.investigate,
            kind.fix,
            _kind_checked_by(name),
            kind.trust,
        )
    if name in metrics:
        metric, suite = metrics[name]
        return Explanation(
            name,
            "metric",
            suite,
            metric.summary,
            metric.why,
            metric.investigate,
            metric.fix,
            _metric_checked_by(name, metric.gate),
        )
    raise UsageError(
        f"no finding kind or metric named {name!r}",
        hint=did_you_mean(name, [*kinds, *metrics]) or "`sekit explain` lists them all",
    )


def why(kind: str) -> str | None:
    """The one-sentence reason a kind matters (for reports), or None."""
    kinds, _ = declared()
    return kinds[kind][0].why if kind in kinds else None


def catalogue() -> dict[str, list[Term]]:
    """Kinds grouped by suite, then the metrics, for ``sekit explain`` without a name."""
    kinds, metrics = declared()
    groups: dict[str, list[Term]] = {}
    for name, (kind, suite) in kinds.items():
        groups.setdefault(suite, []).append(Term(name, suite, kind.summary))
    groups["metrics"] = [Term(name, suite, m.summary) for name, (m, suite) in metrics.items()]
    return groups
