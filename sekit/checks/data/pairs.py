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

**Rich rows** (:func:`compare`'s ``rich`` and ``isolated``). A copy of a row that holds a value
no other record holds, or that no other record comes within one column of, makes a pattern
that honest data all but never repeats: in clean data such twins are records the source holds
twice, and the pooled rows of most tables hold none (28 of the 413 tables of the corpus'
tuning half held a twin with a unique value, 80 a twin of either kind). The same re-split
count, taken over those patterns alone, is therefore judged at a looser level
(``RICH_ALPHA``, ``ISOLATED_ALPHA``): still exact conditional on the pooled rows (which rows
are rich is decided on the pooled rows, which re-splitting does not change), it can only fire
on a table whose pooled rows hold such twins, and then with at most that probability. It
finds three copied rows when the source holds no twins (a random split puts all of three
pairs across with probability ``(2pq)^3``, 0.074 at 70/30) where the count over every rare
pattern needs about eight (0.42^8 < 0.001). The premise is checked on the rows in hand: a
twin of such rows with both rows on one side (a copy into the test set is always across)
shows a source that holds records twice, and the count is then judged at ``TWINS_ALPHA``
(0.01: nothing rare to lean on, only the bar of 1% itself); with twins only across, the test
is still exact, and fires on a clean table with probability at most ``(2pq)^m`` for its ``m``
twins (a source with twenty twins, all across: never).

What it assumes: the split was random. A split by group or by time (every answer of one person
on one side) also puts identical rows together; read a finding then as "these rows are not
spread like a random split", which is worth a look but not proof of copying.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

PERMUTATIONS = 1999  # the smallest p-value is 1/2000
ALPHA = 0.001
CHUNK = 100  # re-splits drawn at once
RARE = 4  # patterns the pooled rows hold at most this often are counted
# Levels for the count over rich patterns alone, chosen on the corpus' tuning half (413 tables,
# one random split each; benchmarks/copies.py): no clean split blocked; three copied test rows
# found in 179, five in 224, where the count over every rare pattern found none. At 0.1 for
# isolated rows as well, 3 clean tables were blocked. Held-out half, measured once after:
# 2 of 594 clean splits blocked; a second look with whole records, keyed tables and the
# premise checked: 0 of 594, three copies 269 of 346 (docs/explanation/trust.md).
RICH_ALPHA = 0.1  # rows holding a value no other record holds (repeats.unique_valued)
ISOLATED_ALPHA = 0.05  # rows no other pooled row comes within one column of
# Both counts where the source is seen to hold such twins itself (one lies on one side of the
# split): no rarity to lean on, only the bar itself, 1% of clean tables at most.
TWINS_ALPHA = 0.01


@dataclass(frozen=True)
class Excess:
    """An observed count of rows against the same count in random re-splits."""

    observed: int
    expected: float  # mean over the re-splits
    p_value: float  # share of re-splits at least as extreme (one-sided, with the +1 rule)
    size: int  # rows of the set the count is about
    per_copy: float = 1.0  # the excess one copied row makes, on average (see share)
    alpha: float = ALPHA  # the level the count is judged at
    among: str = "rare"  # the patterns counted: rare, rich or isolated

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
        return self.p_value < self.alpha and self.observed > self.expected


@dataclass(frozen=True)
class Split:
    """Repeated rows of a train/test split, against random re-splits of the pooled rows."""

    train_repeats: Excess  # train rows that repeat an earlier train row
    test_repeats: Excess  # the same within the test set
    test_seen: Excess  # test rows whose pattern is in train
    test_seen_rich: Excess | None = None  # the same, over patterns of rows with a unique value
    test_seen_isolated: Excess | None = None  # ... of rows no other row is one column from

    @property
    def leaked(self) -> Excess | None:
        """The first significant count of test rows seen in train, if any: over every rare
        pattern, over rich rows, over isolated rows."""
        counts = (self.test_seen, self.test_seen_rich, self.test_seen_isolated)
        return next((c for c in counts if c is not None and c.significant), None)


def compare(
    train: pd.Series,
    test: pd.Series,
    *,
    seed: int = 0,
    rich: np.ndarray | None = None,
    isolated: np.ndarray | None = None,
) -> Split | None:
    """Row hashes of train and test (same columns). None when no rare pattern occurs twice.

    ``rich`` and ``isolated``: a flag per pooled row (train's rows, then test's), decided on the
    pooled rows; test rows seen in train are also counted over the patterns of flagged rows
    alone, judged at ``RICH_ALPHA`` and ``ISOLATED_ALPHA``.
    """
    import numpy as np
    import pandas as pd

    pooled = pd.concat([train, test], ignore_index=True).to_numpy()
    _, group, sizes = np.unique(pooled, return_inverse=True, return_counts=True)
    shared = (sizes >= 2) & (sizes <= RARE)  # common patterns repeat anyway: no signal
    if not shared.any():
        return None
    flagged = []
    for flags in (rich, isolated):
        of_pattern = np.zeros(len(sizes), dtype=bool)
        if flags is not None:
            of_pattern[group[np.asarray(flags, dtype=bool)]] = True
        flagged.append(of_pattern[shared])
    in_train = np.bincount(group[: len(train)], minlength=len(sizes))[shared]
    sizes = sizes[shared]
    singles = len(pooled) - int(sizes.sum())
    rng = np.random.default_rng(seed)
    colours = np.append(sizes, singles)

    def counts(k: np.ndarray) -> tuple[np.ndarray, ...]:
        rest = sizes - k
        train_repeats = np.maximum(k - 1, 0).sum(axis=-1)
        test_repeats = np.maximum(rest - 1, 0).sum(axis=-1)
        seen = np.where(k > 0, rest, 0)
        subsets = tuple((seen * mask).sum(axis=-1) for mask in flagged)
        return train_repeats, test_repeats, seen.sum(axis=-1), *subsets

    observed = counts(in_train)
    # The looser levels rest on "a clean source seldom holds such a row twice": a twin of
    # flagged rows on one side only (both in train, or both in test; a copy into the test set
    # is always across) shows that this source does, so those counts are judged at TWINS_ALPHA.
    one_side = (in_train == 0) | (in_train == sizes)
    premise = [not bool((mask & one_side).any()) for mask in flagged]
    parts: list[tuple[np.ndarray, ...]] = []
    for start in range(0, PERMUTATIONS, CHUNK):  # bounded memory: CHUNK x groups at a time
        size = min(CHUNK, PERMUTATIONS - start)
        drawn = rng.multivariate_hypergeometric(colours, len(train), size=size, method="marginals")
        parts.append(counts(drawn[:, :-1]))
    simulated = tuple(np.concatenate([part[i] for part in parts]) for i in range(5))
    sets = (len(train), len(test), len(test), len(test), len(test))
    levels = (
        ALPHA,
        ALPHA,
        ALPHA,
        RICH_ALPHA if premise[0] else TWINS_ALPHA,
        ISOLATED_ALPHA if premise[1] else TWINS_ALPHA,
    )
    kinds = ("rare", "rare", "rare", "rich", "isolated")
    # a pair of rows lands as a copy would count it (both in train; both in test; one on each
    # side) with these chances in a random re-split
    t, s, n = len(train), len(test), len(pooled)
    pairs = max(n * (n - 1), 1)
    across = 2 * t * s / pairs
    chances = (t * (t - 1) / pairs, s * (s - 1) / pairs, across, across, across)
    made = [
        Excess(
            observed=int(value),
            expected=float(np.mean(draws)),
            p_value=(1 + int(np.sum(draws >= value))) / (1 + PERMUTATIONS),
            size=size,
            per_copy=max(1.0 - chance, 0.05),
            alpha=level,
            among=kind,
        )
        for value, draws, size, chance, level, kind in zip(
            observed, simulated, sets, chances, levels, kinds, strict=True
        )
    ]
    train_repeats, test_repeats, seen, seen_rich, seen_isolated = made
    return Split(
        train_repeats,
        test_repeats,
        seen,
        seen_rich if flagged[0].any() else None,
        seen_isolated if flagged[1].any() else None,
    )


def isolated_rows(frame: pd.DataFrame, *, seed: int = 0) -> np.ndarray:
    """Rows that no other row of ``frame`` comes within one column of: no row differs from
    them in exactly one column (rows equal to them in every column are not counted). Honest
    coarse data puts a common pattern among many near neighbours; a copy of a row nobody
    resembles makes twins that chance all but never makes."""
    import numpy as np
    import pandas as pd

    rows = len(frame)
    rng = np.random.default_rng(seed)
    parts = []
    for name in frame.columns:  # an additive hash: one column can be taken out of it
        codes, _ = pd.factorize(frame[name], use_na_sentinel=False)
        salts = rng.integers(0, 2**63, size=int(codes.max(initial=0)) + 1, dtype=np.uint64)
        parts.append(salts[codes])
    whole = np.zeros(rows, dtype=np.uint64)
    for part in parts:
        whole += part  # wraps around
    _, same_group, same = np.unique(whole, return_inverse=True, return_counts=True)
    alone = np.ones(rows, dtype=bool)
    for part in parts:
        _, near_group, near = np.unique(whole - part, return_inverse=True, return_counts=True)
        alone &= near[near_group] == same[same_group]
    return alone
