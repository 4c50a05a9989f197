"""The model under test, wrapped: the columns it expects, its classes, and safe predictions.

:class:`ModelUnderTest` hides how the model was trained (on a DataFrame with names, or on a
plain array) so that every check calls it the same way, with a DataFrame of features.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sekit.errors import ModelLoadError
from sekit.fs import shown_path
from sekit.threads import one_thread

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from sekit.checks.context import Context
    from sekit.subjects.datasets import DataBundle


@dataclass
class ModelUnderTest:
    """The model under test: the loaded object, where it came from, its task, the feature
    columns it expects and its classes; every check predicts through it."""

    model: Any
    source: str
    task: str  # classification | regression
    features: list[str]
    named: bool  # gets a DataFrame with column names (else a plain array)
    classes: list[Any] = field(default_factory=list)

    @property
    def has_proba(self) -> bool:
        """A classifier with ``predict_proba``."""
        return self.task == "classification" and callable(
            getattr(self.model, "predict_proba", None)
        )

    def _input(self, frame: pd.DataFrame) -> Any:
        # a batch made for the model already has its columns, in order: no copy
        rows = frame if list(frame.columns) == self.features else frame[self.features]
        return rows if self.named else rows.to_numpy()

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """The model's predictions for the rows of ``frame``, one thread per native pool
        (:mod:`sekit.threads`)."""
        import numpy as np

        with one_thread():
            return np.asarray(self.model.predict(self._input(frame)))

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        """Class probabilities for the rows of ``frame`` (columns in :attr:`classes` order)."""
        import numpy as np

        with one_thread():
            return np.asarray(self.model.predict_proba(self._input(frame)), dtype="float64")

    def class_index(self, name: str) -> int:
        """The column of ``predict_proba`` for a class given by name (``proba:<class>``)."""
        for index, known in enumerate(self.classes):
            if str(known) == name:
                return index
        raise ModelLoadError(
            self.source,
            f"the model has no class {name!r}; its classes are {[str(c) for c in self.classes]}",
            key="behaviour.output",
        )


def wrap(model: Any, source: str, task: str, data: DataBundle | None) -> ModelUnderTest:
    """Wrap a loaded model, checking it was trained on the columns the data has."""
    names = getattr(model, "feature_names_in_", None)
    available = data.features if data is not None else []
    if names is not None:
        features = [str(n) for n in names]
        if data is not None:
            frame_columns = set(map(str, data.train.frame.columns))
            missing = [c for c in features if c not in frame_columns]
            if missing:
                raise ModelLoadError(
                    source,
                    f"the model was trained on columns the data does not have: {missing[:8]}",
                    key="model",
                    hint="retrain it on the current data, or fix [data]",
                )
        named = True
    else:
        expected = getattr(model, "n_features_in_", None)
        if expected is not None and available and expected != len(available):
            raise ModelLoadError(
                source,
                f"the model expects {expected} features but the data "
                f"has {len(available)}: {available[:8]}",
                key="model",
                hint="retrain it on the current data, or list the non-feature "
                "columns in data.ignore",
            )
        # An estimator fitted on a plain array knows how many features it has but not their
        # names: it gets an array. Anything else (a team's own class around a pipeline) gets
        # what the team's serving code gives it: a DataFrame with the feature columns.
        features, named = available, expected is None
    classes = list(getattr(model, "classes_", [])) if task == "classification" else []
    return ModelUnderTest(
        model=model, source=source, task=task, features=features, named=named, classes=classes
    )


def subject_from_config(ctx: Context) -> ModelUnderTest:
    """Load and wrap the configured model once per run (shared by all model checks)."""
    return ctx.shared("model.subject", lambda: _load(ctx, baseline=False))


def previous_from_config(ctx: Context) -> ModelUnderTest:
    """The previous model (``[model].previous``) to compare with, loaded once per run."""
    return ctx.shared("model.previous", lambda: _load(ctx, baseline=True))


def _load(ctx: Context, *, baseline: bool) -> ModelUnderTest:
    from sekit.subjects.datasets import bundle_from_config
    from sekit.subjects.model_files import call_loader, load_model_file, require_predict

    config = ctx.config
    section = config.model
    assert section is not None  # model checks run only when [model] exists
    data = bundle_from_config(ctx) if config.data is not None else None
    path: Path | str | None = section.baseline if baseline else section.path
    key = "model.baseline" if baseline else "model.path"
    if section.endpoint is not None and not baseline:
        model = _endpoint_model(ctx, data)
        source = section.endpoint
    elif isinstance(path, str):  # an MLflow model URI
        from sekit.subjects.mlflow_models import load_mlflow_model

        model, _ = load_mlflow_model(
            path, key=key, root=config.root, configured=section.tracking_uri
        )
        model = require_predict(model, path, key)
        source = path
    elif path is not None:
        model = load_model_file(path, key=key, root=config.root, trusted=section.trusted_types)
        source = shown_path(path, config.root)
    else:
        assert section.loader is not None
        model = call_loader(section.loader, root=config.root, source=config.source)
        source = section.loader
    subject = wrap(model, source, section.task, data)
    if data is not None:
        _smoke(subject, data)
    return subject


def _endpoint_model(ctx: Context, data: DataBundle | None) -> Any:
    """The endpoint as a model: its client is the run's (shared with the budget check), its
    classes the training labels."""
    from sekit.subjects.endpoint_model import EndpointModel

    section = ctx.config.model
    assert section is not None
    classes: list[Any] = []
    if section.task == "classification" and data is not None and data.label is not None:
        classes = sorted(data.train.frame[data.label].dropna().unique().tolist(), key=str)
    features = tuple(data.features) if data is not None else ()
    return EndpointModel(endpoint_client(ctx, features), classes)


def endpoint_client(ctx: Context, features: tuple[str, ...] = ()) -> Any:
    """The run's client of ``[model].endpoint`` (its calls are the budget's), written back to
    its cassette when the run ends (``--record``)."""
    from sekit.endpoint import client_for, running_endpoint

    def made() -> Any:
        client = client_for(
            ctx.config,
            url=running_endpoint(ctx),
            features=features,
            record=ctx.options.record,
            seed=ctx.options.seed,
            allow_remote=ctx.options.allow_remote,
        )
        ctx.on_close(client.close)
        return client

    return ctx.shared("endpoint.client", made)


def _smoke(subject: ModelUnderTest, data: DataBundle) -> None:
    """A model that cannot predict five training rows is unusable input, not a behaviour bug."""
    sample = data.train.frame.head(5)
    try:
        subject.predict(sample)
    except Exception as exc:
        raise ModelLoadError(
            subject.source,
            f"cannot predict rows of {data.train.source} ({type(exc).__name__}: {str(exc)[:160]})",
            key="model",
            hint="was it trained on this data's columns and types?",
        ) from None
