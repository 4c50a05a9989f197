"""``tests.coverage``: the project's own tests, run by sekit with coverage.

The tests run in a child process (``python -m pytest`` with pytest-cov, in the project's
folder, stopped at ``[tests].timeout``); the share of the source's statements they run is
``tests.coverage`` (0-1), gateable like any metric: ``"tests.coverage" = { min = 0.7 }``. A
failing test fails the check (coverage measured by a failing suite is still reported); no test
at all, a suite pytest cannot start, or a report coverage.py did not write ends ``error``:
never a pass.
"""

from __future__ import annotations

import os

from sekit.checks.context import Context
from sekit.checks.findings import finding, outcome, worst_summary
from sekit.checks.spec import CheckSpec, Kind, Metric
from sekit.checks.tests.settings import Tests
from sekit.results import Finding, Outcome
from sekit.subjects import testrun as measure


def check_coverage(ctx: Context) -> Outcome:
    if os.environ.get(measure.NESTED):
        return Outcome.skipped(
            reason="already inside the tests sekit runs (a test runs sekit): not run again",
        )
    missing = measure.pytest_cov_missing()
    if missing is not None:
        return Outcome.error(
            message=f"{missing}: install it (pip install pytest-cov) to measure coverage",
            cause="input",
        )
    settings = ctx.config.table(Tests) or Tests()
    root = ctx.config.root
    run = measure.run_tests(
        root,
        workdir=ctx.workdir / "tests",
        paths=settings.paths,
        source=settings.source or measure.default_source(root),
        args=settings.args,
        branch=settings.branch,
        timeout=settings.timeout,
    )
    evidence = measure.as_evidence(run)
    if run.exit_code is None:
        return Outcome.error(
            message=f"the tests did not finish within {settings.timeout:g}s "
            "([tests].timeout): stopped",
            cause="timeout",
            evidence=evidence,
        )
    if run.exit_code == 5 or (run.exit_code == 0 and run.tests == 0):
        return Outcome.error(
            message="pytest collected no tests: there is no coverage to measure "
            "(set [tests].paths to the folder of the tests)",
            cause="input",
            evidence=evidence,
        )
    if run.exit_code not in (0, 1):
        return Outcome.error(
            message=f"pytest could not run the tests (exit {run.exit_code}): "
            f"{measure.tail(run.output)}",
            cause="input",
            evidence=evidence,
        )
    if run.coverage is None:
        return Outcome.error(
            message=f"no coverage measured: {run.coverage_error}",
            cause="input",
            evidence=evidence,
        )
    findings: list[Finding] = []
    if run.failed:
        first = run.failed[0]
        findings.append(
            finding(
                TEST_FAILURE,
                "fail",
                f"{len(run.failed)} of {run.tests} tests failed, e.g. {first.test}: "
                f"{first.message}",
                **evidence,
            )
        )
    least = run.coverage.least_covered(3)
    if least:
        findings.append(
            finding(
                UNCOVERED,
                "info",
                "least covered: "
                + ", ".join(f"{f.path} {f.share:.0%} ({len(f.missing)} not run)" for f in least),
                files=[f.path for f in least],
            )
        )
    passed = run.tests - len(run.failed) - run.skipped
    clean = f"{passed} of {run.tests} tests passed; they run {run.coverage.describe()} of the code"
    metrics = {
        "coverage": run.coverage.share,
        "statements": float(run.coverage.statements),
        "count": float(run.tests),
        "failures": float(len(run.failed)),
    }
    return outcome(findings, worst_summary(findings, clean), metrics)


TEST_FAILURE = Kind(
    "test_failure",
    "a test of the project's own test suite failed",
    (
        "A failing test is a behaviour the team said the code must have, and it does not. "
        "Deploying over it ships a known defect, and a suite that is allowed to fail teaches "
        "everyone to stop reading it."
    ),
    "Run the named test alone (pytest path::name -x) and read its assertion.",
    "Fix the code, or the test if the requirement changed; never skip it to get a green build.",
    trust="Exact: pytest's own outcome of each test, read from its JUnit report.",
)
UNCOVERED = Kind(
    "uncovered_code",
    "the files the tests run least (information)",
    (
        "Code no test runs can break without anyone noticing; the least covered files are "
        "where a defect lives longest."
    ),
    "Open .sekit/tests/coverage.json (coverage.py's report): missing_lines per file.",
    "Write a test for the behaviour of the listed lines (not for the lines themselves).",
    trust="Exact: coverage.py's count of the lines the tests ran.",
)

COVERAGE_CHECK = CheckSpec(
    id="tests.coverage",
    title="the project's own tests pass, and how much of the code they run",
    func=check_coverage,
    emits="`test_failure` (fail), `uncovered_code` (info, the least covered files)",
    kinds=(TEST_FAILURE, UNCOVERED),
    metrics=(
        Metric(
            "tests.coverage",
            "the share of the code's statements the tests run, 0-1 (branches too with "
            "[tests].branch)",
            "coverage.py's total over [tests].source (default src/), measured by pytest-cov "
            "while sekit runs the tests; test files are not code.",
            "Low: read the least covered files in the finding and in .sekit/tests/coverage.json.",
            "Test the behaviour of the uncovered code; gate the share so it does not fall.",
            gate="min = 0.7",
        ),
        Metric(
            "tests.statements",
            "the statements of the code coverage was measured on",
            "coverage.py's count over [tests].source.",
            "0 or tiny: [tests].source names the wrong folder.",
            "Point [tests].source at the project's code.",
        ),
        Metric(
            "tests.count",
            "tests pytest ran",
            "Counted from pytest's JUnit report.",
            "Fewer than expected: a folder was not collected ([tests].paths).",
            "Add the tests' folder to [tests].paths.",
        ),
        Metric(
            "tests.failures",
            "tests that failed or ended in an error",
            "Counted from pytest's JUnit report.",
            "Above 0: see the test_failure finding.",
            "Fix the code or the test.",
            gate="max = 0",
        ),
    ),
    settings=("[tests]",),
    section=("[tests]", Tests),
)
