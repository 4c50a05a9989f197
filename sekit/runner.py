"""Running checks: selection, a time limit per check, isolation, and the report.

Each check runs on its own: one that raises becomes status ``error`` with a ``check_error``
finding and the others still run. Unusable input (a :class:`~sekit.errors.SekitError`) is
recorded with cause ``input`` (the run exits 2); a crash with cause ``internal``; a check that
runs past its time limit with cause ``timeout``. None of them ever counts as passed.

The time limit interrupts the check with ``SIGALRM`` in the main thread, so its ``finally``
blocks run (services and load generators get stopped). Where that is not available (Windows,
or a run outside the main thread), an overlong check is still marked ``error`` after it returns.
"""

from __future__ import annotations

import contextlib
import difflib
import importlib.util
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from types import FrameType

from sekit.checks import REGISTRY, Check, load_plugins, load_suite
from sekit.checks.context import Context, RunOptions
from sekit.config.schema import Config
from sekit.errors import MissingExtraError, SekitError, UsageError
from sekit.gate import build_report
from sekit.report import Report, default_report_path, save_report
from sekit.results import CheckResult, Severity
from sekit.vocabulary import SUITES


def suite_requirements(config: Config, *, asked: bool = False) -> dict[str, str | None]:
    """For each suite, ``None`` when the config enables it, else what is missing.

    The release suite starts two services and runs a second load test, so a plain ``sekit
    check`` / ``sekit gate`` runs it only when the config has a ``[release]`` table; asked for
    by name (``sekit check release``) it runs with the table's defaults on any ``[model]``.
    The monitor suite judges the service's past traffic: it runs with a ``[monitor]`` table, or
    by name when ``[data].production`` names the prediction log."""
    if asked:
        release = None if config.model is not None else "the config has no [model] table"
    else:
        release = None if config.release is not None else "the config has no [release] table"
    if asked:
        has_log = config.monitor is not None or (
            config.data is not None and config.data.production is not None
        )
        monitor = None if has_log else "the config names no prediction log ([data].production)"
    else:
        monitor = None if config.monitor is not None else "the config has no [monitor] table"
    return {
        "data": None if config.data is not None else "the config has no [data] table",
        "model": None if config.model is not None else "the config has no [model] table",
        "load": (
            None
            if config.service is not None or config.load.locustfile is not None
            else "the config has no [service] table"
        ),
        "release": release,
        "monitor": monitor,
    }


def select_checks(config: Config, suites: Sequence[str] | None, engine: str) -> list[Check]:
    """The registered checks of the chosen suites and engine, in registration order."""
    needs = suite_requirements(config, asked=bool(suites))
    if suites:
        for suite in suites:
            if suite not in SUITES:
                raise UsageError(f"unknown suite {suite!r}; expected one of {', '.join(SUITES)}")
            if needs[suite] is not None:
                raise UsageError(
                    f"cannot run the {suite} checks: {needs[suite]} ({config.source.name})",
                    hint=f"add [{ {'load': 'service', 'release': 'model'}.get(suite, suite) }] "
                    "to the config; see `sekit config schema`",
                )
        chosen = list(suites)
    else:
        chosen = [suite for suite in SUITES if needs[suite] is None]
        if not chosen:
            raise UsageError(
                f"nothing to check: {config.source.name} configures none of "
                "[data], [model], [service]",
                hint="`sekit new NAME` writes a complete config",
            )
    if engine in ("deepchecks", "all") and importlib.util.find_spec("deepchecks") is None:
        raise MissingExtraError("deepchecks", "deepchecks")
    for suite in chosen:
        load_suite(suite)
    load_plugins()
    _validate_disabled(config)
    return [
        c
        for c in REGISTRY.values()
        if c.suite in chosen and (engine == "all" or c.engine == engine)
    ]


def _validate_disabled(config: Config) -> None:
    for check_id in config.checks.disable:
        if check_id not in REGISTRY:
            close = difflib.get_close_matches(check_id, list(REGISTRY), n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else "`sekit check --list` shows the ids"
            raise UsageError(
                f"{config.source.name}: checks.disable: unknown check {check_id!r}", hint=hint
            )


@dataclass(frozen=True)
class Progress:
    """A progress event: a check is about to start (``result`` is None) or has finished."""

    check: Check
    index: int
    total: int
    result: CheckResult | None = None


class CheckTimeout(BaseException):
    """Raised inside a check that ran past its time limit.

    A ``BaseException``, like ``KeyboardInterrupt``, so that code under test (Hypothesis,
    pandas, a check's own ``except Exception``) does not swallow it.
    """


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[bool]:
    """Interrupt the block after ``seconds``; yields whether the limit is enforced."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable:
        yield False
        return

    def _expire(signum: int, frame: FrameType | None) -> None:
        raise CheckTimeout

    previous = signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield True
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_check(check: Check, ctx: Context, timeout: float) -> CheckResult:
    """Run one check in isolation: whatever happens, a :class:`CheckResult` comes back."""
    skip = check.applies(ctx.config)
    if skip is not None:
        return CheckResult.skipped(id=check.id, suite=check.suite, engine=check.engine, reason=skip)
    if check.id in ctx.config.checks.disable:
        return CheckResult.skipped(
            id=check.id,
            suite=check.suite,
            engine=check.engine,
            reason="disabled in [checks].disable",
        )

    def error(cause: str, message: str, **evidence: str) -> CheckResult:
        return CheckResult.error(
            id=check.id,
            suite=check.suite,
            engine=check.engine,
            cause=cause,
            message=message,
            evidence=evidence,
        )

    start = time.perf_counter()
    try:
        with _time_limit(timeout):
            result = check.run(ctx)
    except CheckTimeout:
        result = error("timeout", f"timed out after {timeout:g}s ([checks].timeout)")
    except SekitError as exc:
        result = error("input", str(exc))
    except Exception as exc:
        result = error(
            "internal",
            f"the check crashed: {type(exc).__name__}: {exc}",
            exception=type(exc).__name__,
            traceback=traceback.format_exc(),
        )
    else:
        if not isinstance(result, CheckResult) or result.id != check.id:
            result = error(
                "internal", f"the check returned {type(result).__name__}, not its CheckResult"
            )
    elapsed = time.perf_counter() - start
    if elapsed > timeout and not result.status.blocks:
        result = error("timeout", f"took {elapsed:.1f}s, over the limit of {timeout:g}s")
    overrides = {kind: Severity(level) for kind, level in ctx.config.severity.items()}
    return result.with_severities(overrides).with_duration(elapsed)


def run_checks(
    config: Config,
    *,
    suites: Sequence[str] | None = None,
    options: RunOptions | None = None,
    timeout: float | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> list[CheckResult]:
    """Run the enabled checks of ``suites`` (all configured suites when empty)."""
    opts = options or RunOptions(engine=config.checks.engine)
    checks = select_checks(config, suites, opts.engine)
    ctx = Context(config, opts)
    limit = timeout if timeout is not None else config.checks.timeout
    results = []
    for index, item in enumerate(checks):
        if progress is not None:
            progress(Progress(item, index, len(checks)))
        result = run_check(item, ctx, limit)
        results.append(result)
        if progress is not None:
            progress(Progress(item, index, len(checks), result))
    return results


def run(
    config: Config,
    *,
    suites: Sequence[str] | None = None,
    gate: bool = False,
    options: RunOptions | None = None,
    timeout: float | None = None,
    progress: Callable[[Progress], None] | None = None,
    save: bool = True,
) -> Report:
    """Run checks, build the report (evaluating ``[gates]`` when ``gate``), and save it."""
    results = run_checks(config, suites=suites, options=options, timeout=timeout, progress=progress)
    report = build_report(config, results, gate=gate)
    if save:
        save_report(report, default_report_path(config.root))
    return report
