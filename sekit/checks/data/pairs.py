"""Identical rows counted across a split: the test that sees copies one at a time cannot.

In data made of few-valued columns (survey answers, categories), a single copied row looks like
two people answering alike, so :mod:`.chance` cannot call it a copy. Many such copies can still
be seen together: when train and test were drawn at random from the same rows, identical rows
fall into train and test as a random split puts them. Copies made inside the training set give
it more repeated rows than a random split of the pooled rows would; training rows leaked into
the test set give the test more rows seen in training. Both are judged by a permutation test:
only patterns that are rare in the pooled rows (at most ``RARE`` rows) are counted, since a
common pattern repeats anyway and hides nothing. The pooled rows are split again at random,
keeping both sizes (``PERMUTATIONS`` times, drawn
exactly from the multivariate hypergeometric distribution), and the observed count is compared
with those splits. The effect size is the excess over the splits' mean, as a share of the set.

What it assumes: the split was random. A split by group or by time (every answer of one person
on one side) also puts identical rows together; read a finding then as "these rows are not
spread like a random split", which is worth a look but not proof of copying.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

PERMUTATIONS = 1999  # the smallest p-value is 1/2000
ALPHA = 0.001
CHUNK = 100  # re-splits drawn at once
RARE = 4  # patterns the pooled rows hold at most this often are counted


@dataclass(frozen=True)
class Excess:
    """An observed count of rows against the same count in random re-splits."""

    observed: int
    expected: float  # mean over the re-splits
    p_value: float  # share of re-splits at least as extreme (one-sided, with the +1 rule)
    size: int  # rows of the set the count is about
    per_copy: float = 1.0  # the excess one copied row makes, on average (see share)

    @property
    def share(self) -> float:
        """The copied rows this excess stands for, as a share of the set (0 when not above the
        re-splits' mean). A copy adds to the count in every split, but a random re-split of
        the two rows would have counted it too in part of them (both in train, for a copy
        within train: about 49% of re-splits at 70/30), so the excess counts only that much
        less than one per copy: the excess is divided by it."""
        return max(self.observed - self.expected, 0.0) / self.per_copy / max(self.size, 1)

    @property
    def significant(self) -> bool:
        return self.p_value < ALPHA and self.observed > self.expected


@dataclass(frozen=True)
class Split:
    """Repeated rows of a train/test split, against random re-splits of the pooled rows."""

    train_repeats: Excess  # train rows that repeat an earlier train row
    test_repeats: Excess  # the same within the test set
    test_seen: Excess  # test rows whose pattern is in train


def compare(train: pd.Series, test: pd.Series, *, seed: int = 0) -> Split | None:
    """Row hashes of train and test (same columns). None when no rare pattern occurs twice."""
    import numpy as np
    import pandas as pd

    pooled = pd.concat([train, test], ignore_index=True).to_numpy()
    _, group, sizes = np.unique(pooled, return_inverse=True, return_counts=True)
    shared = (sizes >= 2) & (sizes <= RARE)  # common patterns repeat anyway: no signal
    if not shared.any():
        return None
    in_train = np.bincount(group[: len(train)], minlength=len(sizes))[shared]
    sizes = sizes[shared]
    singles = len(pooled) - int(sizes.sum())
    rng = np.random.default_rng(seed)
    colours = np.append(sizes, singles)

    def counts(k: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rest = sizes - k
        train_repeats = np.maximum(k - 1, 0).sum(axis=-1)
        test_repeats = np.maximum(rest - 1, 0).sum(axis=-1)
        seen = np.where(k > 0, rest, 0).sum(axis=-1)
        return train_repeats, test_repeats, seen

    observed = counts(in_train)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for start in range(0, PERMUTATIONS, CHUNK):  # bounded memory: CHUNK x groups at a time
        size = min(CHUNK, PERMUTATIONS - start)
        drawn = rng.multivariate_hypergeometric(colours, len(train), size=size, method="marginals")
        parts.append(counts(drawn[:, :-1]))
    simulated = tuple(np.concatenate([part[i] for part in parts]) for i in range(3))
    sets = (len(train), len(test), len(test))
    # a pair of rows lands as a copy would count it (both in train; both in test; one on each
    # side) with these chances in a random re-split
    t, s, n = len(train), len(test), len(pooled)
    pairs = max(n * (n - 1), 1)
    chances = (t * (t - 1) / pairs, s * (s - 1) / pairs, 2 * t * s / pairs)
    made = [
        Excess(
            observed=int(value),
            expected=float(np.mean(draws)),
            p_value=(1 + int(np.sum(draws >= value))) / (1 + PERMUTATIONS),
            size=size,
            per_copy=max(1.0 - chance, 0.05),
        )
        for value, draws, size, chance in zip(observed, simulated, sets, chances, strict=True)
    ]
    return Split(*made)
