"""What a check gets to work with: the config, the run's options, and shared resources."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sekit.checks.options import Options, SuiteOptions
from sekit.config.schema import Config
from sekit.errors import InputError, InputUnavailable

T = TypeVar("T")


class Declared(Protocol):
    """What the run context holds of each installed check's declaration (a
    :class:`~sekit.checks.spec.CheckSpec`): enough for a check that reads other checks'
    declarations (the Deepchecks engines map failed conditions to the native checks' kinds).

    A protocol rather than ``CheckSpec`` itself: a spec's function takes a ``Context``, so naming
    the spec here would make the two modules import each other (tests/test_architecture.py).
    """

    @property
    def suite(self) -> str: ...

    @property
    def engine(self) -> str: ...

    @property
    def deepchecks(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class RunOptions:
    """Options of one run, set from the command line: those every suite shares, and each
    suite's own (typed, validated by the suite: :class:`~sekit.checks.options.SuiteOptions`)."""

    engine: str = "native"
    ci: bool = field(default_factory=lambda: bool(os.environ.get("CI")))
    seed: int = 0
    urls: tuple[str, ...] = ()  # services already running (load: one; release: two)
    allow_remote: bool = False  # allow a --url or an address that is not loopback
    record: bool = False  # call the endpoint and write its cassette (else replay it)
    suites: Mapping[str, SuiteOptions] = field(default_factory=dict)  # suite name -> options

    def of(self, kind: type[Options]) -> Options:
        """The options of one suite, or their defaults when none were given."""
        for given in self.suites.values():
            if isinstance(given, kind):
                return given
        return kind()


class Context:
    """Handed to every check of a run.

    :meth:`shared` loads a resource (the datasets, the model) once per run and hands the same
    object, or the same error, to every check that asks for it.
    """

    def __init__(
        self,
        config: Config,
        options: RunOptions | None = None,
        *,
        checks: Sequence[Declared] = (),
    ) -> None:
        self.config = config
        self.options = options or RunOptions()
        # Every installed check's declaration (set by the runner), for a check that reads other
        # checks' declarations: the Deepchecks engines map conditions to the native checks' kinds.
        self.checks = tuple(checks)
        self._cache: dict[str, tuple[bool, Any]] = {}
        self._closing: list[Callable[[], None]] = []
        self.running: str | None = None  # the check being run (set by the runner)
        self._reported: dict[str, str] = {}  # resource -> the check that reported its failure

    @property
    def workdir(self) -> Path:
        """``.sekit/`` in the project: logs, artifacts and the report live here."""
        path = self.config.root / ".sekit"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def on_close(self, action: Callable[[], None]) -> None:
        """Run ``action`` when the run ends (e.g. write a recorded cassette)."""
        self._closing.append(action)

    def close(self) -> None:
        """The run is over: every ``on_close`` action, last registered first."""
        while self._closing:
            self._closing.pop()()

    def provide(self, key: str, value: object) -> None:
        """Hand checks a resource made elsewhere (e.g. DataFrames from the Python API)."""
        self._cache[key] = (True, value)

    def shared(self, key: str, factory: Callable[[], T]) -> T:
        """The resource, made once per run. An input that cannot be loaded (a missing data
        file DVC versions, a model that does not load) is reported by the first check that
        asks for it; every later check gets :class:`~sekit.errors.InputUnavailable` naming
        that check, so a report says "run `dvc pull`" once, not once per check."""
        if key not in self._cache:
            try:
                self._cache[key] = (True, factory())
            except Exception as exc:
                self._cache[key] = (False, exc)
                if isinstance(exc, InputError) and self.running is not None:
                    self._reported[key] = self.running
        ok, value = self._cache[key]
        if not ok:
            first = self._reported.get(key)
            if first is not None and first != self.running:
                raise InputUnavailable(value, reported_by=first)
            raise value
        return value  # type: ignore[no-any-return]
