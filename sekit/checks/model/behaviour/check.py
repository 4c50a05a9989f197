"""``model.behaviour``: behaviour properties of the model, tested with Hypothesis (CheckList's
MFT/INV/DIR for tables).

Always: no ``crash`` on schema-valid input, valid outputs (``invalid_output``), the same input
gives the same output (``nondeterminism``). From ``[[behaviour]]``: ``invariance``,
``directional`` and ``minimum``. How examples are generated and shrunk: :mod:`.engine`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sekit import results
from sekit.checks.context import Context
from sekit.checks.findings import finding
from sekit.checks.model.behaviour.contract import run_contract
from sekit.checks.model.behaviour.engine import (
    Batches,
    Case,
    Outcome,
    Violation,
    hypothesis_settings,
    records,
    run_property,
)
from sekit.checks.model.behaviour.kinds import (
    CRASH,
    DIRECTIONAL_VIOLATION,
    INVALID_OUTPUT,
    INVARIANCE_VIOLATION,
    MINIMUM_FUNCTIONALITY,
    NONDETERMINISM,
)
from sekit.checks.model.behaviour.minimum import run_minimum
from sekit.checks.model.behaviour.properties import directional, invariance
from sekit.checks.spec import CheckSpec, Metric
from sekit.config.schema import Model
from sekit.config.text import Edit, Template
from sekit.errors import InputError
from sekit.strategies import profiles
from sekit.subjects.model import subject_from_config


def _tabular(config: Any) -> str | None:
    model = config.model
    if model is not None and model.calls_text:
        return "a text endpoint: model.text_behaviour tests its behaviour"
    if model is not None and model.task == "ranking":
        return "a ranking model: model.ranking_behaviour tests its lists"
    return None


def check_behaviour(ctx: Context) -> results.Outcome:
    from sekit.subjects.datasets import bundle_from_config

    subject = subject_from_config(ctx)
    config = ctx.config
    section = config.model
    assert section is not None
    data = bundle_from_config(ctx) if config.data is not None else None
    columns = config.data.columns if config.data is not None else {}
    train = data.train.frame if data is not None else None
    if not subject.features:
        return results.Outcome.skipped(
            reason="the model's features are unknown: configure [data]",
        )
    profile_list = profiles(columns, train, subject.features)
    by_name = {p.name: p for p in profile_list}
    realistic = data.sampled("train", 20_000)[subject.features] if data is not None else None
    batches = Batches(profile_list, section.batch_rows, realistic)
    settings = hypothesis_settings(ctx.options.ci, section.examples)
    database = None if ctx.options.ci else ctx.workdir / "hypothesis"

    outcomes: list[Outcome] = run_contract(
        subject,
        batches,
        settings,
        _describer(batches, realistic=False),
        shrink_seconds=section.shrink_seconds,
        database=database,
    )
    for index, item in enumerate(config.behaviour):
        label = item.name or f"behaviour[{index}] {item.kind}"
        if isinstance(item, Template | Edit):
            raise InputError(
                config.source,
                f"behaviour[{index}]: kind {item.kind!r} tests a text model, and this model "
                "takes rows of features",
                key=f"behaviour[{index}].kind",
                hint="use invariance, directional or minimum; text kinds need a text endpoint",
            )
        if item.kind == "minimum":
            outcomes.append(run_minimum(label, subject, item, config.data))
            continue
        feature = by_name.get(item.feature)
        if feature is None:
            raise InputError(
                config.source,
                f"behaviour[{index}].feature {item.feature!r} is not "
                f"a feature of the model ({', '.join(subject.features[:10])})",
                key=f"behaviour[{index}].feature",
            )
        if item.kind == "invariance":
            prop = invariance(subject, batches, feature)
            kind = INVARIANCE_VIOLATION.name
        else:
            prop = directional(subject, batches, feature, item.expect, item.output)
            kind = DIRECTIONAL_VIOLATION.name
        outcomes.append(
            run_property(
                label,
                kind,
                batches.strategy(feature),
                prop,
                settings,
                _describer(batches, realistic=True),
                shrink_seconds=section.shrink_seconds,
                database=database,
            )
        )

    findings = [o.finding for o in outcomes if o.finding is not None]
    notes = [o.note for o in outcomes if o.note]
    unbounded = [o.name for o in outcomes if o.finding is not None and not o.shrink_bounded]
    cases = sum(o.cases for o in outcomes)
    seconds = sum(o.seconds for o in outcomes)
    findings.append(
        finding(
            INVALID_OUTPUT,
            "info",
            "properties tested",
            properties=[
                {
                    "property": o.name,
                    "kind": o.kind,
                    "cases": o.cases,
                    "seconds": round(o.seconds, 3),
                    "passed": o.finding is None and o.note is None,
                    "note": o.note,
                }
                for o in outcomes
            ],
        )
    )
    failed = [o for o in outcomes if o.finding is not None]
    summary = (
        f"{len(outcomes) - len(failed)}/{len(outcomes)} properties hold on {cases:,} "
        f"generated rows ({cases / seconds:,.0f} rows/s)"
        if seconds
        else "no property ran"
    )
    if failed:
        summary = f"{len(failed)} of {len(outcomes)} properties fail: {failed[0].finding.message}"  # type: ignore[union-attr]
    if notes:
        summary += "; " + "; ".join(notes)
    if unbounded:
        summary += (
            "; shrinking was bounded by [checks].timeout only (this Hypothesis has no "
            "MAX_SHRINKING_SECONDS)"
        )
    result = results.Outcome.from_findings(
        findings=findings,
        summary=summary,
        metrics={
            "behaviour.cases": cases,
            "behaviour.failures": len(failed) + len(notes),
            "behaviour.properties": len(outcomes),
            "behaviour.rows_per_second": cases / seconds if seconds else 0.0,
        },
    )
    if notes and not failed:
        from sekit.results import Status

        result = result.model_copy(update={"status": Status.ERROR})
    return result


def _describer(
    batches: Batches, *, realistic: bool
) -> Callable[[Case, Violation], list[dict[str, Any]]]:
    def describe(case: Case, violation: Violation) -> list[dict[str, Any]]:
        frame = violation.detail.get("_frame")
        if frame is None:
            frame = batches.frame(case, realistic=realistic)
        return records(frame, violation.rows)

    return describe


# --- declarations ----------------------------------------------------------------------

BEHAVIOUR_CASES = Metric(
    "behaviour.cases",
    "generated and labelled cases the behaviour tests ran",
    "How many generated and labelled rows the behaviour properties checked.",
    "A low number means few examples ran; see [model].examples.",
    "Raise [model].examples for a deeper search.",
    gate=None,
)
BEHAVIOUR_FAILURES = Metric(
    "behaviour.failures",
    "behaviour properties that failed",
    "The number of behaviour properties that failed (or could not be tested).",
    (
        "See the invariance, directional, minimum, crash, invalid_output and nondeterminism "
        "findings."
    ),
    "Fix the model's behaviour; keep the properties as tests.",
    gate="max = 0",
)

BEHAVIOUR_CHECK = CheckSpec(
    id="model.behaviour",
    title="behaviour properties (Hypothesis)",
    func=check_behaviour,
    emits="`crash`, `invalid_output`, `nondeterminism` always; `invariance_violation`, "
    "`directional_violation`, `minimum_functionality` from `[[behaviour]]` (fail)",
    kinds=(
        CRASH,
        INVALID_OUTPUT,
        NONDETERMINISM,
        INVARIANCE_VIOLATION,
        DIRECTIONAL_VIOLATION,
        MINIMUM_FUNCTIONALITY,
    ),
    metrics=(BEHAVIOUR_CASES, BEHAVIOUR_FAILURES),
    settings=(
        "[[behaviour]]",
        "[model].examples",
        "[model].batch_rows",
        "[model].shrink_seconds",
    ),
    requires=_tabular,
    section=("[model]", Model),
)
