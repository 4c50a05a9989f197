"""Repeats across a split against random re-splits (sekit.checks.data.pairs): silent on random
splits, loud on copies and leaks that each look like chance."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sekit.checks.data import pairs


def population(rows: int, seed: int) -> pd.Series:
    """Row hashes of a survey-like data set: half the rows answer one of a few common patterns
    (many coincidences), the others one of many (a coincidence now and then)."""
    rng = np.random.default_rng(seed)
    common = rng.zipf(1.6, rows).clip(max=50)
    rare = rng.integers(100, 5_000, rows)
    return pd.Series(np.where(rng.random(rows) < 0.5, common, rare))


def random_split(values: pd.Series, seed: int) -> tuple[pd.Series, pd.Series]:
    order = np.random.default_rng(seed).permutation(len(values))
    cut = int(0.7 * len(values))
    return values.iloc[order[:cut]], values.iloc[order[cut:]]


def test_random_splits_are_not_flagged() -> None:
    flagged = 0
    for seed in range(200):
        split = pairs.compare(*random_split(population(1000, seed), seed))
        assert split is not None
        flagged += any(
            e.significant for e in (split.train_repeats, split.test_repeats, split.test_seen)
        )
    # three tests at 0.001 each, 200 runs: 0.6 expected; 4 or more has probability < 0.3%
    assert flagged <= 3


def test_copies_inside_train_are_seen_together() -> None:
    train, test = random_split(population(3000, 1), 1)
    copied = pd.concat([train, train.sample(frac=0.1, random_state=0)])
    split = pairs.compare(copied, test)
    assert split is not None
    assert split.train_repeats.significant
    # a lower bound: copies of common patterns and copies a random split would also have put
    # together are not counted as excess
    assert 0.01 < split.train_repeats.share < 0.09
    assert not split.test_seen.significant


def test_train_rows_leaked_into_test_are_seen_together() -> None:
    train, test = random_split(population(3000, 2), 2)
    leaked = pd.concat([test.iloc[180:], train.iloc[:180]])  # 20% of the test set
    split = pairs.compare(train, leaked)
    assert split is not None
    assert split.test_seen.significant
    assert not split.train_repeats.significant


def test_nothing_repeats_nothing_to_compare() -> None:
    assert pairs.compare(pd.Series(range(70)), pd.Series(range(70, 100))) is None
