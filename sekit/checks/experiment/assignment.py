"""``experiment.assignment``: every user in one arm, and the users per arm as planned.

A user seen in two arms (``unsticky_assignment``) sees two models, and their answers mix;
users per arm far from the planned split (``sample_ratio_mismatch``) mean the assignment or
the logging lost users in one arm, and then no difference between the arms can be trusted
(:mod:`.analysis`).
"""

from __future__ import annotations

from sekit.checks.context import Context
from sekit.checks.experiment import served as sv
from sekit.checks.experiment.analysis import Assignment, assignment
from sekit.checks.experiment.settings import Experiment
from sekit.checks.findings import finding, invalid_lines, outcome, percent, worst_summary
from sekit.checks.kinds import INVALID_LOG_LINES
from sekit.checks.spec import CheckSpec, Kind, Metric, default
from sekit.results import Finding, Outcome, not_measured


def split(ctx: Context) -> Assignment:
    """The assignment of the run (computed once; the difference check reads it too)."""

    def computed() -> Assignment:
        seen = sv.observations(ctx).frame
        pairs = list(zip(seen["user"], seen["arm"], strict=True))
        return assignment(pairs, sv.settings(ctx).weights)

    return ctx.shared("experiment.assignments", computed)


def check_assignment(ctx: Context) -> Outcome:
    reason = sv.no_log_reason(ctx)
    if reason is not None:
        return Outcome.skipped(reason=reason)
    experiment = sv.settings(ctx)
    seen = sv.observations(ctx)
    found = split(ctx)
    findings: list[Finding] = []
    total = sum(found.users.values())
    everyone = total + found.unsticky
    if found.unsticky:
        findings.append(
            finding(
                UNSTICKY,
                "fail",
                f"{found.unsticky} of {everyone} users ({percent(found.unsticky / everyone)}) "
                f"were served by more than one arm (field {experiment.arm!r}): assign each user "
                "once, e.g. by a hash of the user id, and keep it",
                users=found.unsticky_examples,
            )
        )
    shares = found.mismatch_share
    planned = ", ".join(
        f"{arm} {found.users.get(arm, 0)} ({percent(shares[arm])}, planned "
        f"{percent(found.expected[arm])})"
        for arm in found.expected
    )
    if found.srm_p is None:
        findings.append(
            not_measured(
                f"the users are in {len(found.users)} arm(s) ({', '.join(found.users) or 'none'}) "
                "and the plan names no other: the split cannot be tested, and nothing compared; "
                "set [experiment].weights to the arms of the plan",
                metric="srm_p",
            )
        )
    elif found.srm_p < experiment.srm_p:
        extra = (
            f"; users in arms the plan does not name: {', '.join(found.unplanned)}"
            if found.unplanned
            else ""
        )
        findings.append(
            finding(
                SRM,
                "fail",
                f"the users per arm do not match the planned split: {planned}{extra} "
                f"({found.test}, p = {found.srm_p:.2g} < {experiment.srm_p:g})",
                users=found.users,
                expected=found.expected,
                p_value=found.srm_p,
            )
        )
    tested = f"p = {found.srm_p:.2g}" if found.srm_p is not None else "not measured"
    clean = (
        f"{total} users in {len(found.users)} arms, each in one arm ({seen.source}): {planned}; "
        f"{found.test}, {tested}"
    )
    if seen.outside:
        clean += f"; {seen.outside} log lines not in the experiment"
    findings += invalid_lines(seen.source, seen.problems)
    metrics = {
        "users": float(total),
        "unsticky_users": float(found.unsticky),
        "srm_p": found.srm_p,
    }
    bounded = {"srm_p": f"[experiment].srm_p = {experiment.srm_p:g}"}
    return outcome(
        findings,
        worst_summary(findings, clean),
        metrics,
        bounded=bounded,
    )


UNSTICKY = Kind(
    "unsticky_assignment",
    "some users were served by more than one arm of the experiment",
    (
        "A user who sees both models is in neither arm: their behaviour mixes the two, and if "
        "switching arms depends on anything (a new session, a cleared cookie, a retry after an "
        "error), the arms stop being comparable. Users also notice answers that change."
    ),
    (
        "Look up the listed users in the log: when did their arm change? A random draw per "
        "request instead of per user, an assignment kept in a session that expires, or a "
        "fallback that sends errors to the other arm are the usual causes."
    ),
    (
        "Assign by a stable hash of the user id (the scaffold's app: sha256 of the id and the "
        "experiment's name, taken modulo 10 000 against the split) and log the arm with every "
        "request."
    ),
    trust=(
        "Exact: a count of users with two arms in the log, no test: never raised on a sticky "
        "run; a user assigned per request is found once they make two requests in two arms "
        "(benchmarks/experiment.py)."
    ),
)
SRM = Kind(
    "sample_ratio_mismatch",
    "the users per arm differ from the planned split by more than chance allows",
    (
        "A sample-ratio mismatch means users were lost or added unevenly: one arm crashes "
        "before it logs, a redirect drops some users, bots land in one arm. The users who "
        "remain are then not comparable, and any difference between the arms may be the "
        "filter, not the model. Experimentation platforms refuse to show results with an SRM."
    ),
    (
        "Compare the arms' error rates and first requests per user; look for users whose "
        "first request failed; check the assignment code for a condition that depends on "
        "the user (a platform, a region)."
    ),
    (
        "Find the cause and rerun the experiment; a mismatch is not fixed by reweighting. "
        "If the split changed on purpose, set [experiment].weights (or start) to the new one."
    ),
    trust=(
        "Exact binomial test (two arms) or chi-square test (more) of the users per arm "
        "against [experiment].weights, flagged at p < [experiment].srm_p "
        f"({default(Experiment, 'srm_p')}): 3 alarms in "
        "2000 simulated correct runs (0.15%). It finds large losses: 10% of one arm's users "
        "lost at 10 000 users in 97% of runs, 5% in 20% (at 2000 users: 9% and 2%) "
        "(benchmarks/experiment.py)."
    ),
)

ASSIGNMENT_CHECK = CheckSpec(
    id="experiment.assignment",
    title="sticky assignment of users to arms, and the users per arm against the plan",
    func=check_assignment,
    emits="`unsticky_assignment` (a user in two arms), `sample_ratio_mismatch` (users "
    "per arm off the planned split), both fail; `invalid_log_lines` (warn); error when "
    "fewer than two arms leave the split untested",
    kinds=(UNSTICKY, SRM, INVALID_LOG_LINES),
    metrics=(
        Metric(
            "experiment.users",
            "users in the experiment who were served by one arm only",
            "The log's user field, counted once per user.",
            "Few users give wide intervals: see experiment.mde.",
            "Run the experiment longer.",
        ),
        Metric(
            "experiment.unsticky_users",
            "users who were served by more than one arm",
            "A count from the log; they are left out of the comparison.",
            "Above 0, the assignment is not per user.",
            "Assign by a stable hash of the user id.",
            gate="max = 0",
        ),
        Metric(
            "experiment.srm_p",
            "p-value of the sample-ratio test (users per arm against the plan)",
            "Exact binomial test for two arms, chi-square test for more.",
            "Below 0.001, users were lost or added unevenly.",
            "Find what removes users from one arm.",
            gate="min = 0.001",
        ),
    ),
    settings=("[experiment]",),
    section=("[experiment]", Experiment),
)
