"""The datasets of one run, with the settings that judge them and shared derived values.

A :class:`DataBundle` is built once per run (from the config, or from DataFrames through the
Python API in :mod:`sekit.data`) and handed to every data check; derived values that several
checks need, such as row hashes, are computed once and cached here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sekit.config.schema import Column, Data, Drift, Leakage, Quality
from sekit.errors import DataLoadError
from sekit.fs import shown_path

if TYPE_CHECKING:
    import pandas as pd

    from sekit.checks.context import Context

ROLES = ("train", "test", "production")


@dataclass(frozen=True)
class Dataset:
    """One dataset of the run: its role, its rows, and where they came from."""

    role: str  # train | test | production
    frame: pd.DataFrame
    source: str  # the file, or "<DataFrame>" from the Python API


@dataclass
class DataBundle:
    """The datasets of one run (train, and test and production when configured) with the
    ``[data]`` settings that judge them; derived values several checks need are cached here."""

    train: Dataset
    test: Dataset | None = None
    production: Dataset | None = None
    label: str | None = None
    columns: dict[str, Column] = field(default_factory=dict)
    ignore: tuple[str, ...] = ()
    group: str | None = None  # [data].group: the entity of each row
    drift: Drift = field(default_factory=Drift)
    quality: Quality = field(default_factory=Quality)
    leakage: Leakage = field(default_factory=Leakage)
    task: str | None = None  # classification | regression, from [model] when known
    absent: tuple[str, ...] = ()  # optional datasets that do not exist (yet)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def datasets(self) -> list[Dataset]:
        """The datasets present: train, test, production, in that order."""
        return [d for d in (self.train, self.test, self.production) if d is not None]

    @property
    def features(self) -> list[str]:
        """Train's columns, without the label, the group and the ignored columns."""
        skip = {self.label, self.group, *self.ignore}
        return [str(c) for c in self.train.frame.columns if c not in skip]

    def shared_features(self, other: Dataset) -> list[str]:
        """The features (:attr:`features`) that ``other`` also has, in train's order."""
        present = set(map(str, other.frame.columns))
        return [c for c in self.features if c in present]

    def is_classification(self) -> bool:
        """The label is a class (from [model].task, else guessed from the label's values)."""
        if self.task is not None:
            return self.task == "classification"
        if self.label is None:
            return False
        from sekit.subjects.types import looks_categorical

        return looks_categorical(self.train.frame[self.label])

    def sampled(self, role: str, rows: int = 200_000) -> pd.DataFrame:
        """At most ``rows`` rows of a dataset, a seeded random sample in file order (cached).

        Statistical tests and the leakage probe use it: their estimates are as good on 200,000
        rows as on millions, at a fraction of the time.
        """
        import numpy as np

        key = f"sample:{role}:{rows}"
        if key not in self._cache:
            frame = getattr(self, role).frame
            if len(frame) <= rows:
                self._cache[key] = frame
            else:
                picked = np.random.default_rng(0).choice(len(frame), size=rows, replace=False)
                self._cache[key] = frame.iloc[np.sort(picked)]
        sample: pd.DataFrame = self._cache[key]
        return sample

    def row_hashes(self, role: str, columns: list[str]) -> pd.Series:
        """A 64-bit hash per row over ``columns`` (cached): equal rows have equal hashes."""
        import pandas as pd

        key = f"hash:{role}:{'|'.join(columns)}"
        if key not in self._cache:
            dataset = getattr(self, role)
            frame = dataset.frame[columns]
            self._cache[key] = pd.util.hash_pandas_object(frame, index=False)
        hashes: pd.Series = self._cache[key]
        return hashes


def bundle_from_config(ctx: Context) -> DataBundle:
    """Load the configured datasets once per run (shared by all data checks)."""
    return ctx.shared("data.bundle", lambda: _load(ctx))


def _load(ctx: Context) -> DataBundle:
    from sekit.subjects.tables import read_table, require_column, require_label

    config = ctx.config
    data: Data | None = config.data
    if data is None:  # the runner only selects data checks when [data] exists
        raise DataLoadError(config.source, "no [data] table in the config")
    frames: dict[str, Dataset] = {}
    absent: list[str] = []
    for role in ROLES:
        path = getattr(data, role)
        if path is None:
            continue
        if role == "production" and data.production_optional and not path.exists():
            absent.append(shown_path(path, config.root))
            continue
        frame = read_table(path, key=f"data.{role}")
        if data.sample_rows is not None and len(frame) > data.sample_rows:
            frame = frame.sample(n=data.sample_rows, random_state=ctx.options.seed)
        if data.label is not None and role in ("train", "test"):
            require_label(frame, data.label, path, key=f"data.{role}")
        if data.group is not None and role in ("train", "test"):
            require_column(frame, data.group, path, setting="data.group", key=f"data.{role}")
        frames[role] = Dataset(role, frame, shown_path(path, config.root))
    return DataBundle(
        # Without training data (a given endpoint), the test data stands in wherever the
        # model checks need example rows; the data suite does not run (sekit.checks.data.suite).
        train=frames.get("train") or frames["test"],
        test=frames.get("test"),
        production=frames.get("production"),
        label=data.label,
        columns=dict(data.columns),
        ignore=tuple(data.ignore),
        group=data.group,
        drift=data.drift,
        quality=data.quality,
        leakage=data.leakage,
        task=config.model.task if config.model is not None else None,
        absent=tuple(absent),
    )


def slices(
    frame: pd.DataFrame, features: list[str], min_size: int
) -> list[tuple[str, str, pd.Series]]:
    """The slices of a frame: (feature, description, row mask) for each category (of a feature
    with at most 50 values) and each numeric quartile, every slice at least ``min_size`` rows
    (the model's slices, and the release's comparison per slice)."""
    import pandas as pd

    from sekit.subjects.types import is_number, looks_categorical

    found = []
    for column in features:
        series = frame[column]
        if looks_categorical(series):
            for value, count in series.value_counts(dropna=False).items():
                if count >= min_size and len(series.unique()) <= 50:
                    mask = series.isna() if value != value else series == value
                    found.append((column, f"{column} = {value!r}", mask))
        elif is_number(series):
            try:
                bins = pd.qcut(series, 4, duplicates="drop")
            except ValueError:
                continue
            for interval in bins.cat.categories:
                mask = bins == interval
                if int(mask.sum()) >= min_size:
                    found.append((column, f"{column} in {interval}", mask))
    return found
