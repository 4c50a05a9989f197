"""The first code that runs inside the sandbox of ``sekit grade --run``: the team's tests or
``sekit gate``, with the result sent to the grader over its channel (:mod:`sekit.grade.channel`).

Run as a script by the environment's interpreter in isolated mode, ``python -I inside.py
tests|gate``: neither the working directory (the team's repository) nor ``PYTHONPATH`` is on
``sys.path``, so a folder ``sekit/``, ``pytest/`` or a ``sitecustomize.py`` of the team's is
never imported in their place. sekit itself is loaded from the folder this file lives in (the
instructor's installation), by path, before anything else; every later ``import sekit.x``
resolves inside that folder, whatever the team installed under the name ``sekit``.

Then, before any of the team's code loads, the channel and the run's nonce are taken out of the
environment, the channel is made close-on-exec (no program the team starts holds it), and the
process is made non-dumpable (another process of the same user cannot open its file
descriptors through ``/proc``). What stays possible is written down in
``docs/explanation/grading.md``: code of the team's that runs in this process (a conftest, a
pickled model, an installed package) can reach anything this process holds.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parent.parent  # the instructor's sekit/


def _load_sekit() -> None:
    """Import the instructor's sekit by path (never by search)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "sekit", PACKAGE / "__init__.py", submodule_search_locations=[str(PACKAGE)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["sekit"] = module
    spec.loader.exec_module(module)


def _undumpable() -> None:
    """PR_SET_DUMPABLE 0: ``/proc/<pid>/fd`` of this process is no longer the user's to open."""
    import contextlib
    import ctypes

    with contextlib.suppress(OSError, AttributeError):  # not Linux: still close-on-exec
        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)


def _project_paths(root: Path) -> list[str]:
    return [str(p) for p in (root / "src", root) if p.is_dir()]


class Outcomes:
    """A pytest plugin: node id (``path::function``, as :func:`sekit.grade.mlts.junit_results`
    keys it) -> passed | failed | skipped; a failed or skipped phase sticks."""

    def __init__(self) -> None:
        self.results: dict[str, str] = {}

    def pytest_runtest_logreport(self, report: Any) -> None:
        import re

        path, _, rest = str(report.nodeid).partition("::")
        name = re.sub(r"\[.*\]$", "", rest.rsplit("::", 1)[-1])
        key = f"{path}::{name}"
        if report.failed:
            outcome = "failed"
        elif report.skipped:
            outcome = "skipped"
        elif report.when == "call":
            outcome = "passed"
        else:
            return
        if self.results.get(key) in (None, "passed"):
            self.results[key] = outcome


def run_tests(root: Path, args: list[str]) -> tuple[int, dict[str, Any]]:
    """The team's tests with coverage of its code (sekit's coverage configuration, not the
    team's: test files are not code); what coverage.py wrote is read here, in the sandbox."""
    import tempfile

    import pytest  # the environment's, before the team's folders are on the path

    from sekit.subjects import testrun as measure

    sys.path[:0] = _project_paths(root)  # as PYTHONPATH gives them when the team runs pytest
    plugin = Outcomes()
    folder = Path(tempfile.mkdtemp(prefix="sekit-coverage-"))
    report, rcfile = folder / "coverage.json", folder / "coveragerc"
    rcfile.write_text(f"{measure.GRADER_RC}data_file = {folder / 'data'}\n", encoding="utf-8")
    missing = measure.pytest_cov_missing()
    cov = (
        []
        if missing
        else measure.pytest_arguments(
            source=measure.default_source(root), report=report, rcfile=rcfile
        )
    )
    plugins: list[object] = [plugin, _reserve(folder / "reserve")]
    code = pytest.main(["-q", "-p", "no:cacheprovider", *cov, *args], plugins=plugins)
    coverage: dict[str, Any] = {"note": missing or ""}
    if not missing:
        try:
            found = measure.read_coverage(report, root)
            coverage = {
                "share": found.share,
                "statements": found.statements,
                "covered": found.covered,
                "note": "",
            }
        except measure.CoverageUnreadable as exc:
            coverage["note"] = str(exc)
    return int(code), {"tests": plugin.results, "coverage": coverage}


RESERVE_BYTES = 2 * 1024**2


def _reserve(path: Path) -> object:
    """Room kept for coverage's data while the team's tests run: tests that fill the
    sandbox's disk would leave coverage.py no room to save, and pytest would end in an
    internal error that hides the tests' own outcomes. Given back once the tests ran (the
    innermost wrapper of the test loop: before pytest-cov saves)."""
    import contextlib

    import pytest

    with contextlib.suppress(OSError):
        path.write_bytes(b"\0" * RESERVE_BYTES)

    class Reserve:
        @pytest.hookimpl(hookwrapper=True, trylast=True)
        def pytest_runtestloop(self, session: Any) -> Any:
            yield
            with contextlib.suppress(OSError):
                path.unlink()

    return Reserve()


def run_gate() -> tuple[int, dict[str, Any] | None]:
    from sekit.checks.context import RunOptions
    from sekit.config.loader import load_config
    from sekit.errors import SekitError
    from sekit.runner import run

    try:
        config = load_config(None)
        sys.path.extend(_project_paths(config.root))  # after every installed package
        options = RunOptions(engine=config.checks.engine)
        report = run(config, gate=True, options=options, save=False)
    except SekitError as exc:
        print(f"sekit: error: {exc}", file=sys.stderr)
        return exc.exit_code, None
    print(f"sekit gate: {report.verdict}")
    return report.exit_code, report.model_dump(mode="json")


def main(argv: list[str]) -> int:
    _load_sekit()
    import json
    import os

    from sekit.grade.channel import CHANNEL_ENV, NONCE_ENV, Binding

    channel = int(os.environ.pop(CHANNEL_ENV))
    nonce = os.environ.pop(NONCE_ENV)
    os.set_inheritable(channel, False)
    _undumpable()
    from datetime import UTC, datetime

    from sekit import __version__

    binding = Binding(nonce, __version__, datetime.now(UTC))
    result: dict[str, Any] | None
    if argv[1:2] == ["tests"]:
        code, result = run_tests(Path.cwd(), argv[2:])
    else:
        code, result = run_gate()
    if result is not None:
        data = json.dumps(binding.envelope(result)).encode()
        with os.fdopen(channel, "wb", buffering=0) as handle:
            handle.write(data)
    return code


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
