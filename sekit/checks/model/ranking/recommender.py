"""The recommender under test: loaded once per run, asked in batches, its answers checked for
shape (one list per user asked) and turned into item keys.

Its contract: ``recommend(users, k)`` takes a pandas DataFrame with one row per user (the
``[model.ranking].user`` column and the profile columns) and returns one sequence of item ids
per row, best first, at most ``k`` long.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sekit.checks.context import Context
from sekit.ranking import key

if TYPE_CHECKING:
    import pandas as pd

BATCH = 512  # users per call: a recommender scoring the whole catalogue per user stays small


class BadLists(Exception):
    """The recommender raised, or answered something that is not one list per user."""


@dataclass
class Recommender:
    """A model with ``recommend(users, k)``, or a baseline sekit made."""

    name: str
    ask: Callable[[pd.DataFrame, int], Sequence[Any]]

    def lists(self, queries: pd.DataFrame, k: int) -> list[list[str]]:
        """One list of item keys per row of ``queries``, asked in batches."""
        found: list[list[str]] = []
        for start in range(0, len(queries), BATCH):
            batch = queries.iloc[start : start + BATCH].reset_index(drop=True)
            try:
                answered = self.ask(batch, k)
            except Exception as exc:
                raise BadLists(
                    f"{self.name}.recommend raised {type(exc).__name__}: {str(exc)[:160]}"
                ) from None
            found.extend(_as_lists(answered, len(batch), self.name))
        return found


def _as_lists(answered: Any, rows: int, name: str) -> list[list[str]]:
    if isinstance(answered, str | bytes) or not hasattr(answered, "__len__"):
        raise BadLists(f"{name}.recommend returned a {type(answered).__name__}, not lists")
    if len(answered) != rows:
        raise BadLists(f"{name}.recommend returned {len(answered)} lists for {rows} users")
    lists = []
    for ranked in answered:
        if isinstance(ranked, str | bytes) or not hasattr(ranked, "__iter__"):
            raise BadLists(f"{name}.recommend returned a {type(ranked).__name__} as a list")
        lists.append([key(item) for item in ranked])
    return lists


def recommender_from_config(ctx: Context) -> Recommender:
    """The configured model (a file or a loader), loaded once per run."""
    return ctx.shared("model.recommender", lambda: _load(ctx))


def _load(ctx: Context) -> Recommender:
    from sekit.fs import shown_path
    from sekit.subjects.model_files import call_loader, load_model_file

    config = ctx.config
    section = config.model
    assert section is not None
    if section.path is not None and not isinstance(section.path, str):
        model = load_model_file(
            section.path,
            key="model.path",
            root=config.root,
            trusted=section.trusted_types,
            method="recommend",
        )
        name = shown_path(section.path, config.root)
    elif section.loader is not None:
        model = call_loader(
            section.loader, root=config.root, source=config.source, method="recommend"
        )
        name = section.loader
    else:
        from sekit.errors import ModelLoadError

        raise ModelLoadError(
            config.source,
            "a ranking model is a file or a loader (an MLflow URI is not read for it yet)",
            key="model.path",
        )
    return Recommender(name, model.recommend)


def popular(ordered: list[str], seen: dict[str, set[str]], exclude_seen: bool) -> Recommender:
    """The most popular items (most training interactions), without the user's own when
    seen items are excluded: the baseline every recommender must beat."""

    def ask(queries: pd.DataFrame, k: int) -> list[list[str]]:
        column = str(queries.columns[0])
        answers = []
        for user in queries[column].map(key):
            skip = seen.get(user, set()) if exclude_seen else set()
            answers.append([item for item in ordered[: k + len(skip)] if item not in skip][:k])
        return answers

    return Recommender("most popular", ask)


def random_items(
    catalogue: list[str], seen: dict[str, set[str]], exclude_seen: bool, seed: int
) -> Recommender:
    """Items drawn at random from the catalogue (seeded), without the user's own."""
    import numpy as np

    rng = np.random.default_rng(seed)
    items = np.asarray(catalogue, dtype=object)

    def ask(queries: pd.DataFrame, k: int) -> list[list[str]]:
        column = str(queries.columns[0])
        answers = []
        for user in queries[column].map(key):
            skip = seen.get(user, set()) if exclude_seen else set()
            drawn = items[rng.permutation(len(items))[: k + len(skip)]]
            answers.append([str(item) for item in drawn if item not in skip][:k])
        return answers

    return Recommender("random", ask)
