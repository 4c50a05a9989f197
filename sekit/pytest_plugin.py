"""sekit's pytest plugin (entry point ``pytest11``): fixtures and strategies for a team's tests.

Fixtures (session-scoped, from the project's ``sekit.toml``):

* ``sekit_config`` - the validated config;
* ``sekit_train`` / ``sekit_test`` - the datasets as DataFrames;
* ``sekit_schema`` - ``[data.columns]``;
* ``sekit_model`` - the model under test (``predict``, ``predict_proba``, ``features``,
  ``classes``), loaded exactly as ``sekit check model`` loads it;
* ``sekit_profiles`` - a :class:`sekit.strategies.FeatureProfile` per model feature;
* ``sekit_rows`` / ``sekit_frames`` - Hypothesis strategies for one schema-valid row (a dict)
  and for a DataFrame of them.

Example (``tests/test_behaviour.py`` in a team's repository)::

    from hypothesis import given, settings

    def test_probabilities_sum_to_one(sekit_model, sekit_frames):
        @settings(max_examples=50, deadline=None)
        @given(sekit_frames)
        def check(frame):
            proba = sekit_model.predict_proba(frame)
            assert abs(proba.sum(axis=1) - 1).max() < 1e-6
        check()

Hypothesis profiles ``sekit-ci`` (derandomized, no deadline, no database) and ``sekit-dev``
(database in ``.sekit/hypothesis``) are registered; choose one with
``pytest --hypothesis-profile=sekit-ci``. The ``mlts`` marker tags a test with its ML Test Score
item: ``@pytest.mark.mlts("model-3")``.

Importing this module is cheap: nothing heavy loads until a fixture is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from sekit.checks.context import Context


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "mlts(test_id): the ML Test Score item this test covers, e.g. "
        "mlts('data-1') ... mlts('monitor-7') (read by `sekit grade`)",
    )
    try:
        from hypothesis import settings
    except ImportError:  # pragma: no cover - hypothesis is a dependency of sekit
        return
    settings.register_profile("sekit-ci", derandomize=True, deadline=None, database=None)
    from hypothesis.database import DirectoryBasedExampleDatabase

    settings.register_profile(
        "sekit-dev",
        deadline=None,
        database=DirectoryBasedExampleDatabase(str(config.rootpath / ".sekit" / "hypothesis")),
    )


def _fail(exc: Exception) -> Any:
    pytest.fail(f"sekit: {exc}", pytrace=False)


@pytest.fixture(scope="session")
def sekit_context(request: pytest.FixtureRequest) -> Context:
    from sekit.checks.context import Context
    from sekit.config.loader import find_config, load_config
    from sekit.errors import SekitError

    try:
        return Context(load_config(find_config(request.config.rootpath)))
    except SekitError as exc:
        error = exc
    return _fail(error)  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def sekit_config(sekit_context: Context) -> Any:
    return sekit_context.config


def _bundle(context: Context) -> Any:
    from sekit.errors import SekitError
    from sekit.subjects.datasets import bundle_from_config

    if context.config.data is None:
        _fail(Exception(f"{context.config.source.name} has no [data] table"))
    try:
        return bundle_from_config(context)
    except SekitError as exc:
        error = exc
    return _fail(error)


@pytest.fixture(scope="session")
def sekit_train(sekit_context: Context) -> Any:
    return _bundle(sekit_context).train.frame


@pytest.fixture(scope="session")
def sekit_test(sekit_context: Context) -> Any:
    bundle = _bundle(sekit_context)
    if bundle.test is None:
        _fail(Exception("no data.test in the config"))
    return bundle.test.frame


@pytest.fixture(scope="session")
def sekit_schema(sekit_context: Context) -> Any:
    data = sekit_context.config.data
    return dict(data.columns) if data is not None else {}


@pytest.fixture(scope="session")
def sekit_model(sekit_context: Context) -> Any:
    from sekit.errors import SekitError
    from sekit.subjects.model import subject_from_config

    if sekit_context.config.model is None:
        _fail(Exception(f"{sekit_context.config.source.name} has no [model] table"))
    try:
        return subject_from_config(sekit_context)
    except SekitError as exc:
        error = exc
    return _fail(error)


@pytest.fixture(scope="session")
def sekit_profiles(sekit_context: Context, sekit_model: Any, sekit_schema: Any) -> Any:
    from sekit.strategies import profiles

    train = _bundle(sekit_context).train.frame if sekit_context.config.data else None
    return profiles(sekit_schema, train, sekit_model.features)


@pytest.fixture(scope="session")
def sekit_rows(sekit_profiles: Any) -> Any:
    from sekit.strategies import rows

    return rows(sekit_profiles)


@pytest.fixture(scope="session")
def sekit_frames(sekit_profiles: Any) -> Any:
    from sekit.strategies import frames

    return frames(sekit_profiles, max_rows=32)
