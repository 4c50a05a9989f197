"""Finding kinds of the endpoint suite that other parts of sekit name too (the scaffold's
exercises): declared here, so that they need not import the check's module. A kind only its own
check uses is declared beside that check.
"""

from __future__ import annotations

from sekit.checks.spec import Kind


def _kind(name: str, summary: str, fix: str) -> Kind:
    return Kind(
        name,
        summary,
        "A given endpoint rate-limits, times out and fails; a pipeline that does not retry, "
        "wait and fall back loses inputs or hammers the endpoint when it matters.",
        "Read .sekit/faults/<fault>.log (the command's output) and .jsonl (its answers).",
        fix,
    )


CLIENT_CRASH = _kind(
    "client_crash",
    "the client stopped (an exit code, or no end in time) when the endpoint failed",
    "Catch the endpoint's errors per input; never let one input stop the run.",
)
NO_RETRY = _kind(
    "no_retry",
    "requests the endpoint would have answered on a later attempt were given up",
    "Retry 429s and time-outs a few times (e.g. 5) before falling back.",
)
NO_BACKOFF = _kind(
    "no_backoff",
    "retries came sooner than the endpoint asked (Retry-After) or at once",
    "Wait Retry-After seconds, else back off exponentially with jitter.",
)
