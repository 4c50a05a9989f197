"""``model.text_behaviour``: the behaviour of a text endpoint, tested as CheckList tests
commercial models: invariance to case, whitespace, punctuation, typos and names; an answer for
every generated text; the same answer twice; and the team's templates and edits
(``[[behaviour]]``). Each failure shows the shortest text that fails."""

from __future__ import annotations

from typing import Any

from sekit import results
from sekit.checks.context import Context
from sekit.checks.findings import finding
from sekit.checks.model.behaviour.kinds import (
    CRASH,
    DIRECTIONAL_VIOLATION,
    INVALID_OUTPUT,
    INVARIANCE_VIOLATION,
    MINIMUM_FUNCTIONALITY,
    NONDETERMINISM,
)
from sekit.checks.model.rates import FLAKY, flaky_finding, rate_evidence
from sekit.checks.model.text.engine import Asker, Outcome
from sekit.checks.spec import CheckSpec, Metric
from sekit.config.schema import Model
from sekit.config.text import Edit, Template
from sekit.errors import InputError
from sekit.results import Finding


def needs_text_endpoint(config: Any) -> str | None:
    model = config.model
    if model is None or not model.calls_text:
        return "the model is not a text endpoint ([model].endpoint with a text input)"
    if config.data is None:
        return "needs [data] for the texts to edit"
    return None


def check_text_behaviour(ctx: Context) -> results.Outcome:
    from sekit.checks.model.text import properties as p
    from sekit.subjects.datasets import bundle_from_config
    from sekit.subjects.model import endpoint_client

    config = ctx.config
    model = config.model
    assert model is not None
    bundle = bundle_from_config(ctx)
    frame = bundle.test.frame if bundle.test is not None else bundle.train.frame
    if model.input not in frame.columns:
        raise InputError(
            config.source,
            f"[model].input {model.input!r} is not a column of the data, so there are no texts "
            "to edit",
            key="model.input",
        )
    # the answers that count as valid: the endpoint's declared labels (the data's labels may be
    # fewer: a sentiment endpoint may say "neutral" where the test data has none)
    settings = model.text
    asker = Asker(endpoint_client(ctx, tuple(bundle.features)), model.labels, settings.trials)
    texts = p.sample(frame[model.input].tolist(), settings.texts, ctx.options.seed)
    # a cassette's calls must be the same when it is recorded and replayed: derandomized
    shrink, ci = model.shrink_seconds, ctx.options.ci or model.cassette is not None
    outcomes: list[Outcome] = []
    outcomes += p.robustness(asker, examples=settings.robustness, shrink_seconds=shrink, ci=ci)
    outcomes.append(p.determinism(asker, texts[: max(5, len(texts) // 3)]))
    for edit in settings.invariance:
        outcomes.append(
            p.invariance(
                asker,
                texts,
                edit,
                tolerance=settings.tolerance.get(edit, 0.0),
                level=settings.p_value,
                seed=ctx.options.seed,
                shrink_seconds=shrink,
                ci=ci,
            )
        )
    for index, item in enumerate(config.behaviour):
        label = item.name or f"behaviour[{index}] {item.kind}"
        if isinstance(item, Template):
            outcomes.append(
                p.template(asker, item, label, seed=ctx.options.seed, level=settings.p_value)
            )
        elif isinstance(item, Edit):
            outcomes.append(
                p.edit(
                    asker,
                    texts,
                    item,
                    label,
                    level=settings.p_value,
                    shrink_seconds=shrink,
                    ci=ci,
                )
            )
        else:
            raise InputError(
                config.source,
                f"behaviour[{index}]: kind {item.kind!r} varies a feature of a tabular model; "
                "a text model is tested with [model.text] and the kinds template and edit",
                key=f"behaviour[{index}].kind",
            )
    asker.client.complete()
    findings = [_finding(o) for o in outcomes if o.failed]
    flaky = [o for o in outcomes if o.flaky]
    notes = [o.note for o in outcomes if o.note]
    cases = sum(o.cases for o in outcomes)
    if findings:
        summary = f"{len(findings)} of {len(outcomes)} properties failed"
    elif flaky:
        summary = f"{len(flaky)} of {len(outcomes)} properties flaky: more trials would decide"
    else:
        summary = f"{len(outcomes)} properties held on {cases:,} texts ({asker.calls:,} calls)"
    findings += [flaky_finding(o.name, o.rate, example=o.example) for o in flaky if o.rate]
    if notes:
        findings.append(finding(INVARIANCE_VIOLATION, "info", "; ".join(notes)))
    return results.Outcome.from_findings(
        findings=findings,
        summary=summary,
        metrics={
            "behaviour.cases": float(cases),
            "behaviour.failures": float(sum(o.failed for o in outcomes)),
            "behaviour.flaky": float(len(flaky)),
            "behaviour.calls": float(asker.calls),
        },
    )


def _finding(outcome: Outcome) -> Finding:
    share = f"{outcome.broken} of {outcome.cases}" if outcome.cases else str(outcome.broken)
    what = {
        INVARIANCE_VIOLATION: "texts changed their answer",
        DIRECTIONAL_VIOLATION: "edited texts missed the expected answer",
        MINIMUM_FUNCTIONALITY: "filled templates got another answer",
        NONDETERMINISM: "texts got another answer when asked again",
        CRASH: "generated texts got no answer",
        INVALID_OUTPUT: "generated texts got no valid answer",
    }[outcome.kind]
    example = outcome.example or {}
    if outcome.rate is not None:
        share = outcome.rate.describe()
        shown = f"; e.g. {example.get('text', '')!r}" if example else ""
        return finding(
            outcome.kind,
            "fail",
            f"{outcome.name}: {share}: below the required rate{shown}",
            property=outcome.name,
            example=[example] if example else [],
            detail={
                "cases": outcome.cases,
                "broken": outcome.broken,
                "calls": outcome.calls,
                "rate": rate_evidence(outcome.rate),
            },
        )
    shown = f"; shortest: {example.get('text', '')!r}" if example else ""
    if "edited" in example:  # the edit that broke it, with both answers
        shown += (
            f" -> {example.get('answer')!r}, edited {example['edited']!r} -> "
            f"{example.get('edited answer')!r}"
        )
    elif "second answer" in example:
        shown += f" -> {example.get('first answer')!r}, then {example['second answer']!r}"
    elif "expected" in example:
        shown += f" -> {example.get('answer')!r}, expected {example['expected']!r}"
    elif outcome.kind in (CRASH, INVALID_OUTPUT) and example:
        shown += f" ({example.get('answer')})"
    return finding(
        outcome.kind,
        "fail",
        f"{outcome.name}: {share} {what}{shown}",
        property=outcome.name,
        example=[example] if example else [],
        detail={"cases": outcome.cases, "broken": outcome.broken, "calls": outcome.calls},
    )


BEHAVIOUR_CALLS = Metric(
    "behaviour.calls",
    "calls the text behaviour tests made to the endpoint (each distinct text asked once, "
    "twice for determinism)",
    "Calls cost time and, for a paid model, money: the tests' cost is part of the budget.",
    "Compare with [model.text].texts and .robustness, which set how many texts are asked.",
    "Lower [model.text].texts or .robustness, or replay a cassette in CI.",
)

BEHAVIOUR_FLAKY = Metric(
    "behaviour.flaky",
    "properties of a sampling model whose rate's interval straddles the required rate",
    "A flaky property is neither shown nor refuted: passing it would be a guess.",
    "Read the flaky finding: the rate, its interval and how many more trials would decide.",
    "Raise [model.text].trials (or .texts when more trials cannot decide), or lower the "
    "temperature; gate it with max = 0 to treat undecided as blocking.",
    "max = 0",
)

TEXT_BEHAVIOUR_CHECK = CheckSpec(
    id="model.text_behaviour",
    title="behaviour of a text endpoint (CheckList's tests, Hypothesis)",
    func=check_text_behaviour,
    emits="`invariance_violation` (case, whitespace, punctuation, typos, names), `crash` "
    "and `invalid_output` (a generated text without a valid answer), `nondeterminism`, "
    "`minimum_functionality` (templates), `directional_violation` (edits); each with the "
    "shortest failing text (fail). A sampling model: each property a rate over trials, "
    "`flaky` (warn) when its interval straddles the required rate",
    kinds=(
        INVARIANCE_VIOLATION,
        CRASH,
        INVALID_OUTPUT,
        NONDETERMINISM,
        MINIMUM_FUNCTIONALITY,
        DIRECTIONAL_VIOLATION,
        FLAKY,
    ),
    metrics=("behaviour.cases", "behaviour.failures", BEHAVIOUR_CALLS, BEHAVIOUR_FLAKY),
    settings=(
        "[model.text]",
        "[[behaviour]]",
        "[model].shrink_seconds",
        "[model].temperature",
    ),
    requires=needs_text_endpoint,
    section=("[model]", Model),
)
