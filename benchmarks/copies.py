"""Copied test rows by how many were copied: the rule that blocks them, on the corpus' tables.

    python benchmarks/copies.py --half tuning            # while the rule is designed
    python benchmarks/copies.py --half held_out --record # once, at the end

For every table of a half (:mod:`corpus_tables`), its random 70/30 split (as
:mod:`corpus`) is judged by the test-row overlap of ``label_leakage`` alone
(:func:`sekit.checks.data.overlap.overlap_findings`, no model fitted): clean (**false
alarms**), and with ``k`` test rows replaced by training rows picked at random (**power**),
for k = 3, 5, 10, 20 and 50 where k is 1% to 10% of the test set (a team that copies rows
copies a share of its test set; below the 1% of ``[data.leakage].max_overlap`` a copy is
reported but does not block), and a tenth of the test set as :mod:`corpus_faults` injects it.
Per count: blocked, with a 95% Wilson interval, split by whether the table has a column (or a
pair) of features in which nearly every record holds a value of its own (rich rows) or not
(coarse). The split is by the features alone, as when the levels were first chosen, so that
runs compare: since records are compared with their label, and a table whose records all
differ in their features counts every record as rich, many "coarse" tables are judged as rich.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

from _record import record
from corpus import split, wilson
from corpus_tables import Table, load, names, seed_of

COUNTS = (3, 5, 10, 20, 50)


def blocked(table: Table, train: pd.DataFrame, test: pd.DataFrame) -> tuple[bool, bool]:
    """(the overlap blocked, the table has rich rows)."""
    from sekit.checks.data.overlap import overlap_findings
    from sekit.checks.data.repeats import unique_valued
    from sekit.subjects.datasets import DataBundle, Dataset

    bundle = DataBundle(
        train=Dataset("train", train, "train"),
        test=Dataset("test", test, "test"),
        label=table.label,
        task=table.task,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = overlap_findings(bundle, {})
        rich = bool(unique_valued(bundle, bundle.shared_features(bundle.test)))
    return any(
        f.severity.value == "fail" and f.evidence.get("problem") == "train_test_overlap"
        for f in found
    ), rich


def run(half: str) -> dict[str, Any]:
    clean: list[str] = []
    checked = 0
    power: dict[str, dict[str, list[str]]] = {}
    start = time.perf_counter()
    for package, item in names(half):
        try:
            table = load(package, item)
        except Exception:  # a table the rules cannot read is not the rule's fault
            table = None
        if table is None:
            continue
        checked += 1
        train, test = split(table)
        fired, rich = blocked(table, train, test)
        if fired:
            clean.append(table.name)
        kind = "rich" if rich else "coarse"
        counts = [(str(k), k) for k in COUNTS if 0.01 * len(test) <= k <= 0.1 * len(test)]
        for name, count in [*counts, ("10%", max(2, len(test) // 10))]:
            rng = np.random.default_rng(seed_of(f"{table.name}:copies:{name}"))
            picked = rng.choice(len(train), size=count, replace=False)
            broken = pd.concat([test.iloc[count:], train.iloc[picked]], ignore_index=True)
            entry = power.setdefault(name, {"rich": [], "coarse": [], "missed": []})
            entry[kind].append(table.name)
            if not blocked(table, train, broken)[0]:
                entry["missed"].append(table.name)
        if checked % 50 == 0:
            print(f"  {checked} tables, {time.perf_counter() - start:.0f} s", flush=True)
    rows: dict[str, Any] = {}
    for name, entry in power.items():
        missed = set(entry["missed"])
        row: dict[str, Any] = {}
        for kind in ("rich", "coarse"):
            runs = len(entry[kind])
            hits = sum(t not in missed for t in entry[kind])
            row[kind] = {"runs": runs, "blocked": hits, "interval": wilson(hits, runs)}
        runs = row["rich"]["runs"] + row["coarse"]["runs"]
        hits = row["rich"]["blocked"] + row["coarse"]["blocked"]
        row["all"] = {"runs": runs, "blocked": hits, "interval": wilson(hits, runs)}
        row["missed"] = entry["missed"][:40]
        rows[name] = row
    return {
        "half": half,
        "tables_checked": checked,
        "clean_blocked": len(clean),
        "clean_blocked_interval": wilson(len(clean), checked),
        "clean_blocked_on": clean,
        "copies": rows,
        "seconds": round(time.perf_counter() - start, 1),
    }


def show(found: dict[str, Any]) -> None:
    low, high = found["clean_blocked_interval"]
    print(
        f"\n{found['half']}: {found['tables_checked']} tables, clean splits blocked "
        f"{found['clean_blocked']} ({low:.1%} to {high:.1%}): {found['clean_blocked_on']}"
    )
    print(f"\n{'copies':>7} {'all':>14} {'rich rows':>14} {'coarse':>14}")
    for name, row in found["copies"].items():
        cells = [f"{row[k]['blocked']:>5}/{row[k]['runs']:<5}" for k in ("all", "rich", "coarse")]
        print(f"{name:>7} " + " ".join(f"{c:>14}" for c in cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=["tuning", "held_out"], default="tuning")
    parser.add_argument("--record", action="store_true", help="write benchmarks/results/")
    args = parser.parse_args()
    found = run(args.half)
    show(found)
    if args.record:
        print(f"recorded in {record(f'copies_{args.half}', found)}")


if __name__ == "__main__":
    main()
