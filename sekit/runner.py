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
import importlib.util
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import FrameType
from typing import Any

from pydantic import ValidationError

from sekit.checks import specs, suites
from sekit.checks.context import Context, RunOptions
from sekit.checks.kinds import CHECK_ERROR
from sekit.checks.spec import CheckSpec
from sekit.checks.suite import SuiteOptions, option_values
from sekit.config.schema import Config
from sekit.errors import (
    ConfigError,
    InputUnavailable,
    MissingExtraError,
    SekitError,
    UsageError,
    did_you_mean,
)
from sekit.gate import build_report
from sekit.report import Report, default_report_path, save_report
from sekit.results import CheckResult, Outcome, Severity, Status


def suite_requirements(config: Config, *, asked: bool = False) -> dict[str, str | None]:
    """For each suite, ``None`` when the config enables it, else what is missing."""
    return {name: each.applies(config, asked) for name, each in suites().items()}


def select_checks(config: Config, chosen: Sequence[str] | None, engine: str) -> list[CheckSpec]:
    """The checks of the chosen suites (every suite the config enables when none is named)
    and engine, in report order."""
    known = suites()
    needs = suite_requirements(config, asked=bool(chosen))
    if chosen:
        for name in chosen:
            if name not in known:
                raise UsageError(f"unknown suite {name!r}; expected one of {', '.join(known)}")
            if needs[name] is not None:
                raise UsageError(
                    f"cannot run the {name} checks: {needs[name]} ({config.source.name})",
                    hint=f"add {known[name].needs or 'its table'} to the config; see "
                    "`sekit config schema`",
                )
        names = list(chosen)
    else:
        names = [name for name in known if needs[name] is None]
        if not names:
            raise UsageError(
                f"nothing to check: {config.source.name} configures none of "
                f"{', '.join(dict.fromkeys(s.needs for s in known.values() if s.needs))}",
                hint="`sekit new NAME` writes a complete config",
            )
    if engine in ("deepchecks", "all") and importlib.util.find_spec("deepchecks") is None:
        raise MissingExtraError("deepchecks", "deepchecks")
    check_settings(config)
    return [
        spec for name in names for spec in specs(name) if engine == "all" or spec.engine == engine
    ]


def check_settings(config: Config) -> None:
    """The names ``[severity]`` and ``[checks].disable`` use must exist in some installed suite
    (a misspelt kind would silently leave a severity as it was): a ConfigError naming each."""
    declared = specs()
    kinds = sorted({kind for spec in declared for kind in spec.kind_names} | {CHECK_ERROR.name})
    ids = [spec.id for spec in declared]
    where = config.source.name
    problems = [
        f"{where}: severity.{kind}: unknown finding kind {kind!r}{_did_you_mean(kind, kinds)}"
        for kind in config.severity
        if kind not in kinds
    ]
    problems += [
        f"{where}: checks.disable: unknown check {check_id!r}"
        + (_did_you_mean(check_id, ids) or " (`sekit check --list` shows the ids)")
        for check_id in config.checks.disable
        if check_id not in ids
    ]
    if problems:
        raise ConfigError(problems)


def _accepts(model: type[SuiteOptions], name: str, value: Any) -> bool:
    from pydantic import TypeAdapter

    annotation = model.model_fields[name].annotation
    if annotation is None:
        return True
    try:
        TypeAdapter(annotation).validate_python(value)
    except ValidationError:
        return False
    return True


def _did_you_mean(word: str, options: Sequence[str]) -> str:
    suggestion = did_you_mean(word, options)
    return f" ({suggestion})" if suggestion else ""


def run_options(
    *,
    suite: str | None = None,
    engine: str = "native",
    urls: Sequence[str] = (),
    allow_remote: bool = False,
    record: bool = False,
    given: Mapping[str, Any] | None = None,
) -> RunOptions:
    """The options of a run from the command line's values: those every suite shares, and
    each suite's own, validated by the suite. An option of a suite that was not named (with
    another suite named) is a usage error, as is ``--url`` given more often than the suite
    takes it."""
    from sekit.net import check_loopback

    known = suites()
    shown = {name: f"--{name.replace('_', '-')}" for name in (given or {})}
    if suite is not None and suite in known:
        takes = known[suite].targets
        if urls and len(urls) != takes:
            where = {0: "no --url", 1: "--url once", 2: "--url twice"}.get(takes, "--url")
            raise UsageError(f"sekit check {suite} takes {where}, not {len(urls)}")
    elif len(urls) > 1:
        raise UsageError("--url is given once, except for a suite that compares two services")
    checked = tuple(check_loopback(url, allow_remote=allow_remote) for url in urls)
    shared = RunOptions(engine=engine, urls=checked, allow_remote=allow_remote, record=record)
    chosen: dict[str, SuiteOptions] = {}
    owners: dict[str, int] = {}
    for each in known.values():
        for field_name in each.options.model_fields if each.options is not None else ():
            owners[field_name] = owners.get(field_name, 0) + 1
    for name, each in known.items():
        if each.options is None:
            continue
        values = option_values(each.options, dict(given or {}))
        named = known.get(suite) if suite is not None else None
        named_fields = named.options.model_fields if named and named.options else {}
        for field_name in [f for f in values if owners[f] > 1]:  # shared: this suite's value?
            if (suite != name and field_name in named_fields) or not _accepts(
                each.options, field_name, values[field_name]
            ):  # the named suite's, or not one this suite takes
                del values[field_name]
        if values and suite is not None and suite != name:
            flags = " and ".join(shown[key] for key in values)
            raise UsageError(f"{flags} only applies to `sekit check {name}`")
        try:
            chosen[name] = each.options.model_validate(
                values, context={"run": shared, "asked": suite == name}
            )
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = shown.get(str(first["loc"][0]), "") if first["loc"] else ""
            message = str(first["msg"]).removeprefix("Value error, ")
            raise UsageError(f"{where}: {message}" if where else message) from None
    return RunOptions(
        engine=engine, urls=checked, allow_remote=allow_remote, record=record, suites=chosen
    )


@dataclass(frozen=True)
class Progress:
    """A progress event: a check is about to start (``result`` is None) or has finished."""

    check: CheckSpec
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


def run_check(check: CheckSpec, ctx: Context, timeout: float) -> CheckResult:
    """Run one check in isolation: whatever happens, a :class:`CheckResult` comes back, under
    the identity its spec declares (the check returns an :class:`Outcome`; the runner stamps
    its id, suite and engine)."""

    def stamp(outcome: Outcome) -> CheckResult:
        return CheckResult.stamped(outcome, id=check.id, suite=check.suite, engine=check.engine)

    skip = check.applies(ctx.config)
    if skip is not None:
        return stamp(Outcome.skipped(skip))
    if check.id in ctx.config.checks.disable:
        return stamp(Outcome.skipped("disabled in [checks].disable"))

    def error(cause: str, message: str, **evidence: str) -> Outcome:
        return Outcome.error(message, cause=cause, evidence=evidence)

    start = time.perf_counter()
    ctx.running = check.id
    outcome: Outcome
    try:
        with _time_limit(timeout):
            outcome = check.run(ctx)
    except CheckTimeout:
        outcome = error("timeout", f"timed out after {timeout:g}s ([checks].timeout)")
    except InputUnavailable as exc:  # reported once, by the check named: error, no new finding
        outcome = Outcome(status=Status.ERROR, summary=str(exc))
    except SekitError as exc:
        outcome = error("input", str(exc))
    except Exception as exc:
        outcome = error(
            "internal",
            f"the check crashed: {type(exc).__name__}: {exc}",
            exception=type(exc).__name__,
            traceback=traceback.format_exc(),
        )
    else:
        if not isinstance(outcome, Outcome):
            outcome = error(  # e.g. a plugin written before checks returned an Outcome
                "internal",
                f"the check returned {type(outcome).__name__}, not an Outcome "
                "(sekit.checks.findings.outcome: the runner adds the check's id)",
            )
    elapsed = time.perf_counter() - start
    if elapsed > timeout and not outcome.status.blocks:
        outcome = error("timeout", f"took {elapsed:.1f}s, over the limit of {timeout:g}s")
    overrides = {kind: Severity(level) for kind, level in ctx.config.severity.items()}
    return stamp(outcome).with_severities(overrides).with_duration(elapsed)


def instead(config: Config, suite: str | None, options: RunOptions) -> int | None:
    """The exit code of what the named suite runs instead of its checks (a Locust worker for
    ``sekit check load --worker``), or ``None``: run the checks."""
    found = suites().get(suite) if suite is not None else None
    if found is None or found.instead is None:
        return None
    return found.instead(config, options)


def run_checks(
    config: Config,
    *,
    suites: Sequence[str] | None = None,
    options: RunOptions | None = None,
    timeout: float | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> list[CheckResult]:
    """Run the enabled checks of ``suites`` (all configured suites when empty)."""
    from sekit import threads

    opts = options or RunOptions(engine=config.checks.engine)
    checks = select_checks(config, suites, opts.engine)
    ctx = Context(config, opts, checks=specs())
    threads.reset()
    limit = timeout if timeout is not None else config.checks.timeout
    results = []
    try:
        for index, item in enumerate(checks):
            if progress is not None:
                progress(Progress(item, index, len(checks)))
            result = run_check(item, ctx, limit)
            results.append(result)
            if progress is not None:
                progress(Progress(item, index, len(checks), result))
    finally:
        ctx.close()
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
