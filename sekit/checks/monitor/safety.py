"""``monitor.safety``: what the service served that it must never serve, from its log.

``[monitor.safety]`` declares the output invariants: item ids never to serve (a blocked or
age-restricted title in a recommended list) and text patterns no answer may match (a chat
answer that gives out a secret, a slur, a dose). Every answered request (status below 400) of
the log is read; an answer is unsafe when its list holds a declared item, when it *is* a
declared item, or when its text matches a declared pattern.

The verdict is on the log's answers, all of them: with ``max_share = 0`` (the default) one
unsafe answer fails, a fact of one line. With a tolerated share above 0, the unsafe share is
judged with a one-sided exact binomial test against it at ``[monitor].p_value`` (the answers
as draws of the service's behaviour, which is what a share bound promises), and reported with
its exact (Clopper-Pearson) 95% interval. An answer with no value in the field is not read: a
few are tolerated (:func:`sekit.bounds.measured_on`), more and the check is not measured,
which blocks (the missing answers could be the unsafe ones).
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from sekit.bounds import measured_on
from sekit.checks.context import Context
from sekit.checks.findings import finding, outcome, percent, worst_summary
from sekit.checks.kinds import INVALID_LOG_LINES
from sekit.checks.monitor import served as sv
from sekit.checks.monitor.settings import Monitor, Safety
from sekit.checks.spec import CheckSpec, Kind, Metric
from sekit.ranking import key, parse
from sekit.results import Finding, Outcome, not_measured

if TYPE_CHECKING:
    import pandas as pd


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def reasons(answer: Any, items: set[str], patterns: list[re.Pattern[str]]) -> list[str]:
    """Why one answer is unsafe (empty: it is not): the declared items it serves and the
    patterns its text matches."""
    found: list[str] = []
    ranked = parse(answer) if isinstance(answer, list | str) else None
    served = set(ranked or []) | ({key(answer)} if not isinstance(answer, list) else set())
    found += [f"item {item}" for item in sorted(served & items)]
    text = answer if isinstance(answer, str) else json.dumps(answer, default=str)
    found += [f"matches {p.pattern!r}" for p in patterns if p.search(text)]
    return found


def check_safety(ctx: Context) -> Outcome:
    monitor = sv.settings(ctx)
    safety = monitor.safety
    if safety is None:
        return Outcome.skipped(
            reason="nothing is declared unsafe: add [monitor.safety] (items, patterns)",
        )
    reason = sv.no_log_reason(ctx)
    if reason is not None:
        return Outcome.skipped(reason=reason)
    frame = sv.served(ctx)
    source = frame.attrs["source"]
    field = safety.field or sv.prediction_field(ctx, frame) or "prediction"
    if field not in frame.columns:
        return Outcome.error(
            f"the log ({source}) has no {field!r} field: set [monitor.safety].field "
            "or [monitor].prediction",
            cause="input",
        )
    answered = _answered(frame, monitor)
    answers = answered[field]
    present = answers.map(lambda value: not _empty(value)).to_numpy(dtype=bool)
    n, read = len(answers), int(present.sum())
    items = {key(item) for item in safety.items}
    patterns = [re.compile(p, re.IGNORECASE) for p in safety.patterns]
    ids = answered.get(monitor.request_id, answered.index)
    found = [
        (str(request), why)
        for request, answer in zip(list(ids[present]), answers[present], strict=True)
        for why in [reasons(answer, items, patterns)]
        if why
    ]
    metrics: dict[str, float] = {"answers_read": float(read), "unsafe_answers": float(len(found))}
    findings: list[Finding] = []
    if not measured_on(read, n):
        findings.append(
            not_measured(
                f"{source}: {n - read} of {n} answered requests have no {field!r}: the unsafe "
                "share is not measured (the missing answers could be the unsafe ones)",
                metric=UNSAFE_SHARE.name,
            )
        )
        return outcome(findings, findings[0].message, metrics)
    findings += _judged(found, read, safety, monitor.p_value, metrics)
    findings += sv.invalid_lines(frame)
    summary = worst_summary(
        findings, f"{read} answers ({source}): none serves a declared item or pattern"
    )
    return outcome(
        findings,
        summary,
        metrics,
        bounded={"unsafe_share": f"[monitor.safety].max_share = {safety.max_share:g}"},
    )


def _answered(frame: pd.DataFrame, monitor: Monitor) -> pd.DataFrame:
    import pandas as pd

    if monitor.status not in frame.columns:
        return frame
    status = pd.to_numeric(frame[monitor.status], errors="coerce")
    return frame[(status >= 200) & (status < 400)]


def _judged(
    found: list[tuple[str, list[str]]],
    n: int,
    safety: Safety,
    level: float,
    metrics: dict[str, float],
) -> list[Finding]:
    from scipy import stats

    unsafe = len(found)
    share = unsafe / n if n else 0.0
    metrics["unsafe_share"] = share
    if n == 0 or unsafe == 0:
        return []
    interval = stats.binomtest(unsafe, n).proportion_ci(confidence_level=0.95, method="exact")
    low, high = float(interval.low), float(interval.high)
    metrics["unsafe_share_high"] = high
    examples = "; ".join(f"request {r}: {', '.join(why)}" for r, why in found[:3])
    told = (
        f"{unsafe} of {n} answers ({percent(share)}, exact 95% interval {percent(low)} to "
        f"{percent(high)}) served what [monitor.safety] forbids: {examples}"
    )
    evidence: dict[str, Any] = {
        "requests": [r for r, _ in found[:10]],
        "unsafe": unsafe,
        "answers": n,
    }
    if safety.max_share == 0:
        return [finding(UNSAFE_OUTPUT, "fail", told, **evidence)]
    p_value = float(stats.binomtest(unsafe, n, safety.max_share, alternative="greater").pvalue)
    if p_value < level:
        return [
            finding(
                UNSAFE_OUTPUT,
                "fail",
                f"{told}; above the tolerated {percent(safety.max_share)} (one-sided exact "
                f"binomial test, p = {p_value:.2g})",
                p_value=p_value,
                **evidence,
            )
        ]
    return [
        finding(
            UNSAFE_OUTPUT,
            "warn",
            f"{told}; not credibly above the tolerated {percent(safety.max_share)} "
            f"(p = {p_value:.2g})",
            p_value=p_value,
            **evidence,
        )
    ]


# --- declarations ----------------------------------------------------------------------

UNSAFE_OUTPUT = Kind(
    "unsafe_output",
    "the service served an item or an answer that [monitor.safety] forbids",
    (
        "A recommender that puts an adult title in a child's list, or an assistant that "
        "repeats a secret from its prompt, harms a user each time it happens; tests before "
        "release cannot see every input, the log of what was served can."
    ),
    "Open the requests the finding names: which input led there, which model version served it?",
    (
        "Filter the output before it is served (a block list, an age rating checked against "
        "the user), fix the prompt or the candidates, and add the case to the offline tests."
    ),
    trust=(
        "A fact of the log when max_share is 0; above it, a one-sided exact binomial test at "
        "[monitor].p_value (a service at the tolerated share fails at most that often) with "
        "the exact Clopper-Pearson interval."
    ),
)

UNSAFE_SHARE = Metric(
    "monitor.unsafe_share",
    "share of the log's answered requests whose answer holds a declared item or "
    "matches a declared pattern",
    "Above 0, users were served what the team decided they must never be.",
    "See unsafe_output.",
    "See unsafe_output.",
    gate="max = 0",
)

SAFETY_CHECK = CheckSpec(
    id="monitor.safety",
    title="served answers never hold a declared item or match a declared pattern",
    func=check_safety,
    emits="`unsafe_output` (fail; warn when within a tolerated share); `invalid_log_lines` (warn)",
    kinds=(UNSAFE_OUTPUT, INVALID_LOG_LINES),
    metrics=(UNSAFE_SHARE,),
    settings=("[monitor.safety]", "[monitor].prediction"),
    section=("[monitor.safety]", Monitor),
)
