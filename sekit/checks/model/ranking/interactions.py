"""The interactions a recommender is judged on: who interacted with what in the training and
the test period, the catalogue, and the users to ask (read once per run, shared)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sekit.checks.context import Context
from sekit.config.ranking import Ranking
from sekit.errors import DataLoadError
from sekit.ranking import key

if TYPE_CHECKING:
    import pandas as pd


def needs_interactions(config: Any) -> str | None:
    """Why the ranking checks cannot run (None: they can)."""
    model = config.model
    if model is None or model.task != "ranking":
        return 'not a ranking model ([model].task = "ranking")'
    data = config.data
    if data is None or data.train is None or data.test is None:
        return "needs [data].train and [data].test: the training and the held-out interactions"
    return None


@dataclass
class Interactions:
    """The training and held-out interactions as item keys per user."""

    settings: Ranking
    train: pd.DataFrame
    test: pd.DataFrame
    source: str  # the test file, for messages
    seen: dict[str, set[str]] = field(default_factory=dict)  # user -> items of the train period
    relevant: dict[str, set[str]] = field(default_factory=dict)  # user -> relevant test items
    catalogue: list[str] = field(default_factory=list)  # train's items, most interactions first
    users: pd.DataFrame | None = None  # one row per known user: user column and profile
    ids: dict[str, Any] = field(default_factory=dict)  # user key -> the id as the data has it

    @property
    def k(self) -> int:
        return self.settings.k

    def queries(self, users: list[str]) -> pd.DataFrame:
        """The frame a recommender is asked with: the user column (as the data spells the
        ids) and the profile columns, one row per user, in the order given."""
        import pandas as pd

        column = self.settings.user
        if self.users is None:
            return pd.DataFrame({column: [self.ids[u] for u in users]})
        table = self.users.set_index("_key", drop=True)
        missing = [u for u in users if u not in table.index]
        if missing:
            raise DataLoadError(
                self.settings.users or self.source,
                f"{len(missing)} users of the interactions are not in the users table "
                f"(e.g. {missing[0]!r})",
                key="model.ranking.users",
            )
        return table.loc[users, [column, *self.settings.profile]].reset_index(drop=True)

    def sample(self, seed: int) -> list[str]:
        """The test users with at least one relevant item, at most ``max_users`` of them (a
        seeded random sample, in a stable order)."""
        import numpy as np

        users = sorted(u for u, items in self.relevant.items() if items)
        if len(users) <= self.settings.max_users:
            return users
        picked = np.random.default_rng(seed).choice(
            len(users), self.settings.max_users, replace=False
        )
        return [users[i] for i in sorted(picked)]

    def unseen_users(self, count: int) -> list[Any]:
        """Ids of users the training data has never seen, of the user column's type."""
        import pandas as pd

        known = set(self.ids)
        values = self.train[self.settings.user]
        made: list[Any] = []
        if pd.api.types.is_integer_dtype(values):
            start = int(values.max()) + 1
            made = [start + i for i in range(count * 2)]
        else:
            made = [f"sekit-unseen-{i}" for i in range(count * 2)]
        return [u for u in made if key(u) not in known][:count]


def interactions_from_config(ctx: Context) -> Interactions:
    """The configured interactions, read once per run."""
    return ctx.shared("model.interactions", lambda: _load(ctx))


def _load(ctx: Context) -> Interactions:
    from sekit.subjects.datasets import bundle_from_config
    from sekit.subjects.tables import read_table, require_column

    config = ctx.config
    assert config.model is not None and config.data is not None
    settings = config.model.ranked
    bundle = bundle_from_config(ctx)
    assert bundle.test is not None
    named = [c for c in (settings.user, settings.item, settings.timestamp, settings.relevance) if c]
    for dataset in (bundle.train, bundle.test):
        for column in named:
            require_column(
                dataset.frame,
                column,
                config.data.train if dataset.role == "train" else config.data.test,  # type: ignore[arg-type]
                setting=f"model.ranking.{_setting(settings, column)}",
                key=f"data.{dataset.role}",
            )
    train, test = bundle.train.frame, bundle.test.frame
    found = Interactions(settings, train, test, bundle.test.source)
    for frame in (train, test):
        for value in frame[settings.user].drop_duplicates():
            found.ids.setdefault(key(value), value)
    for user, item in zip(train[settings.user], train[settings.item], strict=True):
        found.seen.setdefault(key(user), set()).add(key(item))
    counts = train[settings.item].map(key).value_counts(sort=False)
    found.catalogue = sorted(counts.index, key=lambda item: (-int(counts[item]), item))
    liked = test
    if settings.relevance is not None:
        assert settings.min_relevance is not None
        values = liked[settings.relevance]
        liked = liked[values.astype("float64", errors="ignore") >= settings.min_relevance]
    for user, item in zip(liked[settings.user], liked[settings.item], strict=True):
        user_key, item_key = key(user), key(item)
        if settings.exclude_seen and item_key in found.seen.get(user_key, set()):
            continue  # a seen item may not be recommended: it cannot count as a hit either
        found.relevant.setdefault(user_key, set()).add(item_key)
    if settings.users is not None:
        table = read_table(settings.users, key="model.ranking.users")
        for column in (settings.user, *settings.profile):
            require_column(
                table,
                column,
                settings.users,
                setting="model.ranking.profile"
                if column != settings.user
                else "model.ranking.user",
                key="model.ranking.users",
            )
        table = table.assign(_key=table[settings.user].map(key)).drop_duplicates("_key")
        found.users = table
    return found


def _setting(settings: Ranking, column: str) -> str:
    for name in ("user", "item", "timestamp", "relevance"):
        if getattr(settings, name) == column:
            return name
    return "user"


def temporal_overlap(found: Interactions) -> tuple[int, int]:
    """Test interactions earlier than the same user's last training interaction, and the test
    interactions of users with training ones: a split that is not by time lets the model learn
    from the user's future."""
    import pandas as pd

    column = found.settings.timestamp
    assert column is not None
    user = found.settings.user

    def times(frame: pd.DataFrame) -> pd.Series:
        values = frame[column]
        if pd.api.types.is_numeric_dtype(values):
            return values.astype("float64")
        parsed = pd.to_datetime(values, utc=True, errors="coerce", format="mixed")
        return (parsed - pd.Timestamp(0, tz="UTC")).dt.total_seconds()

    last = pd.Series(times(found.train).to_numpy(), index=found.train[user].map(key))
    last = last.groupby(level=0).max()
    test_users = found.test[user].map(key)
    before = pd.Series(times(found.test).to_numpy()) < test_users.map(last).to_numpy()
    compared = test_users.isin(last.index).to_numpy()
    return int((before.to_numpy() & compared).sum()), int(compared.sum())
