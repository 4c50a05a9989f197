"""Ranked lists of items and what they are measured by: shared by the model suite (lists a
recommender makes offline), the monitor (lists a service served) and the scaffold's tests.

Item ids are compared as text (:func:`key`): ``12``, ``12.0`` and ``"12"`` are one item, as a
CSV file, a JSON log and a plain-text answer spell them differently.

The measures, per list, with binary relevance (an item is relevant or not):

* ``precision@k`` = hits / k, ``recall@k`` = hits / relevant items, ``hit@k`` = any hit;
* ``NDCG@k`` = DCG / ideal DCG with DCG = sum of 1 / log2(rank + 1) over the hits, the ideal
  putting min(k, relevant) hits first (Järvelin and Kekäläinen 2002).

A list is *personal* when at most ``max_overlap`` of its items are in the popular list, the
``k`` items that appear in most lists (:func:`popular_items`): a service that gives everyone the
same list, or the most popular items minus what each user has seen, is not personal.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any


def key(item: Any) -> str:
    """An item (or user) id as text, the same however it was written: ``12``, ``12.0``,
    ``"12"`` and ``" 12 "`` are ``"12"``."""
    if isinstance(item, bool):
        return str(item)
    if isinstance(item, float) and item.is_integer():
        return str(int(item))
    value = getattr(item, "item", None)  # numpy scalars
    if callable(value) and not isinstance(item, str):
        return key(value())
    return str(item).strip()


def parse(answer: Any) -> list[str] | None:
    """A served list as item keys: a JSON list, or text with the items separated by commas
    (CMU's ``GET /recommend/<user>`` answers ``12,50,7``). ``None`` when it is neither."""
    if isinstance(answer, list | tuple):
        return [key(item) for item in answer]
    if isinstance(answer, str):
        text = answer.strip()
        if not text:
            return []
        return [part.strip() for part in text.split(",")]
    return None


@dataclass(frozen=True)
class Scores:
    """One list's measures against the user's relevant items."""

    precision: float
    recall: float
    ndcg: float
    hit: float


def scores(ranked: Sequence[str], relevant: set[str], k: int) -> Scores:
    """The list's measures at ``k`` (its first ``k`` items) against ``relevant``."""
    top = list(ranked[:k])
    hits = [rank for rank, item in enumerate(top, start=1) if item in relevant]
    if not relevant:
        return Scores(0.0, 0.0, 0.0, 0.0)
    dcg = sum(1 / math.log2(rank + 1) for rank in hits)
    ideal = sum(1 / math.log2(rank + 1) for rank in range(1, min(k, len(relevant)) + 1))
    return Scores(
        precision=len(hits) / k,
        recall=len(hits) / len(relevant),
        ndcg=dcg / ideal,
        hit=1.0 if hits else 0.0,
    )


def popular_items(lists: Iterable[Sequence[str]], k: int) -> list[str]:
    """The ``k`` items that appear in most lists (ties: the item seen first)."""
    counts: Counter[str] = Counter()
    for ranked in lists:
        counts.update(set(ranked))
    return [item for item, _ in counts.most_common(k)]


def personal(ranked: Sequence[str], popular: set[str], max_overlap: float) -> bool:
    """The list is personal: at most ``max_overlap`` of its items are popular ones. An empty
    list is not (it recommends nothing to anyone)."""
    if not ranked:
        return False
    shared = sum(1 for item in ranked if item in popular)
    return shared / len(ranked) <= max_overlap


def defects(ranked: Sequence[str], k: int, known: set[str] | None = None) -> list[str]:
    """What is wrong with one served or recommended list: duplicates, more than ``k`` items,
    nothing at all, items outside the catalogue (when ``known`` is given)."""
    found = []
    if not ranked:
        found.append("empty")
    if len(set(ranked)) != len(ranked):
        found.append("duplicates")
    if len(ranked) > k:
        found.append(f"more than {k} items")
    if known is not None and any(item not in known for item in ranked):
        found.append("unknown items")
    return found


def gini(counts: Sequence[float]) -> float:
    """The Gini coefficient of how often each item was served (0: every item equally often,
    near 1: a few items take every list). ``counts`` holds one number per catalogue item, zeros
    included: an item never served is part of the concentration."""
    values = sorted(float(c) for c in counts)
    n = len(values)
    total = sum(values)
    if n == 0 or total == 0:
        return 0.0
    weighted = sum((index + 1) * value for index, value in enumerate(values))
    return (2 * weighted) / (n * total) - (n + 1) / n
