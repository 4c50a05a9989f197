"""Finding kinds that belong to no one check: declared here once, imported by the checks and
modules that emit or read them.

A kind that one check owns is declared in that check's module, beside its ``CheckSpec``; a
check that also emits it imports it from there. Only a kind that many suites share, with no
owner among them, lives here.
"""

from __future__ import annotations

from sekit.checks.kind import Kind

CHECK_ERROR = Kind(
    "check_error",
    "a check could not do its job (bad input, a bound it could not measure, timeout, crash): "
    "never a pass",
    "A check that could not run tells you nothing, so it never counts as passed: deployment "
    "stays blocked until it runs. The same holds for a bound whose input could not be "
    "measured (a field the log lacks, an arm without users, an endpoint that never answered): "
    "'not measured' is never 'within the bounds'.",
    "The message says why: unusable input (fix the file or config it names), a bound that was "
    "not measured (cause 'unmeasured': what is missing and where), a time limit, or a crash in "
    "sekit (rerun with --debug and report it).",
    "Fix the input, collect what the bound needs, or raise [checks].timeout; never disable "
    "the check to get a green build.",
)

INVALID_LOG_LINES = Kind(
    "invalid_log_lines",
    "lines of the prediction log that no correct service writes were left out",
    (
        "A line cut short, a latency of Infinity, a negative token count or a time without a "
        "zone is a line the checks cannot trust: counted as an answer it could hide an error, "
        "compared as a number it could make a bound pass on nothing. Such lines are left out "
        "and counted; when more than one in a thousand are invalid (at least one is always "
        "tolerated: a line cut short when the service stopped), no bound on the log is measured "
        "and every check that reads it ends error."
    ),
    (
        "The finding names each reason with its first line numbers and an example value: open "
        "the log at those lines, then the code that writes them."
    ),
    (
        "Write every line as SPEC.md's prediction log line: an ISO 8601 time with its zone, "
        "the HTTP status as a whole number, the latency in ms and counts as finite numbers of "
        "at least 0 (a time-out has a latency: the time waited), standard JSON only "
        "(json.dumps(..., allow_nan=False) refuses NaN and Infinity)."
    ),
    trust="Exact: a count of the lines that fail the reader's rules (sekit.subjects.servedlog).",
)
