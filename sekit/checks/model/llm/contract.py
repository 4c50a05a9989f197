"""``model.contract``: the share of answers that keep the output contract, per input family.

The contract is ``[model].answer_schema`` (the message is JSON that matches it) or else
``[model].labels`` (the answer is one of them). Every call of the run counts, grouped by the
stage that asked (the test set, each edit of the text behaviour tests, the generated texts,
the injection probes): a model may keep its format on clean reviews and lose it on a typo'd or
generated one, and one share over everything would hide that. Calls that brought no answer at
all (an error status, a time-out) are the budget's, not the contract's.

Each family's share is judged against ``[model.contract].min_rate`` as a rate
(:mod:`sekit.checks.model.rates`): answers to one request (its trials) are one input.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from sekit.checks.context import Context
from sekit.checks.findings import finding
from sekit.checks.model.rates import FLAKY, Rate, flaky_finding, judge, rate_evidence
from sekit.checks.spec import CheckSpec, Kind, Metric
from sekit.results import Finding, Outcome

if TYPE_CHECKING:
    from sekit.endpoint.client import Call


def needs_contract(config: Any) -> str | None:
    model = config.model
    if model is None or model.endpoint is None:
        return "the model is not an endpoint ([model].endpoint)"
    if model.answer_schema is None and not model.labels:
        return "the endpoint has no output contract ([model].answer_schema or .labels)"
    return None


def kept(call: Call, labels: set[str]) -> bool | None:
    """Whether a call's answer keeps the contract; None when there was no answer at all."""
    if call.error is not None:
        return False if call.error.startswith("invalid answer") else None
    return not labels or str(call.prediction) in labels


def check_contract(ctx: Context) -> Outcome:
    from sekit.subjects.endpoint_model import TEST_SET
    from sekit.subjects.model import endpoint_client

    model = ctx.config.model
    assert model is not None
    client = endpoint_client(ctx)
    if not any(call.stage == TEST_SET for call in client.calls):
        _ask_test_set(ctx)
    _more_trials_of_the_test_set(ctx)
    client.complete()
    labels = {str(label) for label in model.labels} if model.answer_schema is None else set()
    families: dict[str, dict[str, list[bool]]] = defaultdict(lambda: defaultdict(list))
    broken: dict[str, list[Call]] = defaultdict(list)
    for call in client.calls:
        verdict = kept(call, labels)
        if verdict is None:
            continue
        families[call.stage or TEST_SET][_input_of(call.body)].append(verdict)
        if not verdict:
            broken[call.stage or TEST_SET].append(call)
    level = model.text.p_value
    required = model.contract.min_rate
    rates = {
        family: judge([(sum(v), len(v)) for v in inputs.values()], required, level=level)
        for family, inputs in sorted(families.items())
    }
    pooled = judge(
        [(sum(v), len(v)) for inputs in families.values() for v in inputs.values()],
        required,
        level=level,
    )
    what = "match answer_schema" if model.answer_schema is not None else "are one of the labels"
    findings: list[Finding] = []
    # a family fails on its own when its interval lies below the rate; the verdict on all the
    # answers is pass, fail or flaky (one small family alone is rarely decided either way)
    failing = {family: rate for family, rate in rates.items() if rate.verdict == "fail"}
    for family, rate in failing.items():
        example = _example(broken[family])
        findings.append(
            finding(
                CONTRACT_VIOLATION,
                "fail",
                f"{family}: {rate.describe()} {what}: below the required rate",
                family=family,
                rate=rate_evidence(rate),
                example=[example] if example else [],
            )
        )
    all_broken = [call for calls in broken.values() for call in calls]
    if pooled.verdict == "fail" and not failing:
        example = _example(all_broken)
        findings.append(
            finding(
                CONTRACT_VIOLATION,
                "fail",
                f"all families: {pooled.describe()} {what}: below the required rate",
                rate=rate_evidence(pooled),
                example=[example] if example else [],
            )
        )
    elif pooled.verdict == "flaky" and not failing:
        findings.append(flaky_finding("the contract", pooled, example=_example(all_broken)))
    lowest = min(rates.values(), key=lambda r: r.rate, default=None)
    summary = f"{pooled.held:,} of {pooled.observed:,} answers {what} ({_shown(pooled)})"
    if lowest is not None and lowest.held < lowest.observed:
        family = next(f for f, r in rates.items() if r is lowest)
        summary += f"; the lowest of {len(rates)} input families: {family} ({lowest.rate:.0%})"
    findings.append(
        finding(
            CONTRACT_VIOLATION,
            "info",
            "adherence per input family: "
            + "; ".join(f"{family} {_shown(rate)}" for family, rate in rates.items()),
            families={family: rate_evidence(rate) for family, rate in rates.items()},
            all=rate_evidence(pooled),
        )
    )
    answers = pooled.observed
    return Outcome.from_findings(
        findings=findings,
        summary=summary,
        metrics={
            "contract.adherence": lowest.rate if lowest is not None else None,
            "contract.answers": float(answers),
        },
    )


def _ask_test_set(ctx: Context) -> None:
    """The test set, when no other check of the run asked it."""
    from sekit.subjects.model import subject_from_config
    from sekit.subjects.testset import needs_labelled_test, test_set

    if needs_labelled_test(ctx.config) is None:
        _, frame, _ = test_set(ctx)
        subject_from_config(ctx).predict(frame)


def _more_trials_of_the_test_set(ctx: Context) -> None:
    """Trials 1.. of each test row (trial 0 is the quality checks'), for a sampling model."""
    from sekit.subjects.endpoint_model import TEST_SET, plain_row, records
    from sekit.subjects.model import endpoint_client
    from sekit.subjects.testset import needs_labelled_test, test_set

    model = ctx.config.model
    assert model is not None
    if not model.rates or needs_labelled_test(ctx.config) is not None:
        return
    client = endpoint_client(ctx)
    _, frame, _ = test_set(ctx)
    rows = [plain_row(row) for row in records(frame)]
    bodies = [
        client.protocol.body(row, trial=trial)
        for trial in range(1, model.text.trials)
        for row in rows
    ]
    client.call(bodies, stage=TEST_SET)


def _input_of(body: Any) -> str:
    """What the trials of one input share: the request without its seed."""
    if isinstance(body, dict):
        body = {k: v for k, v in body.items() if k != "seed"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False)


def _example(calls: list[Call]) -> dict[str, Any] | None:
    if not calls:
        return None
    call = min(calls, key=lambda c: len(c.content or str(c.prediction)))
    messages = call.body.get("messages") if isinstance(call.body, dict) else None
    asked = messages[-1]["content"] if isinstance(messages, list) and messages else call.body
    return {
        "input": str(asked)[:300],
        "answer": call.content if call.content is not None else str(call.prediction),
        "why": call.error or "not one of the labels",
    }


def _shown(rate: Rate) -> str:
    return f"{rate.rate:.0%} [{rate.low:.0%}, {rate.high:.0%}] of {rate.observed}"


CONTRACT_VIOLATION = Kind(
    "contract_violation",
    "answers that break the output contract (not JSON matching [model].answer_schema, or not "
    "one of [model].labels), as a share per input family",
    "The pipeline's parse stage must turn every answer into the contract or mark a fallback; "
    "answers off the contract are predictions the system cannot use, and an LLM breaks its "
    "format more on some inputs (typos, odd characters, injected text) than on others.",
    "The finding's evidence lists each family's share and interval and the shortest broken "
    "answer; `model.contract`'s info finding lists all families.",
    "Constrain the output (a JSON schema or grammar the server enforces, fewer tokens, "
    "examples in the prompt), lower the temperature, and keep the parse stage's marked "
    "fallback; set [model.contract].min_rate to what the pipeline can absorb.",
    trust="benchmarks/llm_verdicts.py: a contract broken in a fifth of the answers of the "
    "real local model is found in every one of 20 seeds.",
)

CONTRACT_CHECK = CheckSpec(
    id="model.contract",
    title="the output contract, per input family",
    func=check_contract,
    emits="`contract_violation` (fail) when the share of answers that keep the contract "
    "lies below [model.contract].min_rate, over all answers or in one input family; "
    "`flaky` (warn) when undecided",
    kinds=(CONTRACT_VIOLATION, FLAKY),
    metrics=(
        Metric(
            "contract.adherence",
            "share of the answers that keep the output contract, in the family where it is lowest",
            "An answer off the contract is a prediction the pipeline cannot use.",
            "Read model.contract's findings: the share per input family.",
            "Constrain the output format; keep a marked fallback in the parse stage.",
            "min = 0.95",
        ),
        Metric(
            "contract.answers",
            "answers judged against the output contract",
            "The interval of each family's share narrows with the answers.",
            "Compare with [model.text].trials and .texts.",
            "Raise [model.text].trials for a sampling model.",
        ),
    ),
    settings=("[model.contract]", "[model].answer_schema", "[model].labels"),
    requires=needs_contract,
)
