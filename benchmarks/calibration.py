"""How far to trust a verdict: false blocks on clean data, detection of injected faults.

    python benchmarks/calibration.py                       # native engine, everything
    python benchmarks/calibration.py --splits 20 --reps 5 --quick
    tox -e calibration-deepchecks                          # Deepchecks' suites, same splits
    python benchmarks/calibration.py --report              # both side by side (from results)

**False alarms.** For every data set (all that ship with scikit-learn, and generated ones:
survey answers, 120 features, 120,000 rows, categories, a regression label), ``--splits``
random 70/30 splits and as many stratified ones (classification); nothing is wrong with any of
them. A split is *blocked* when the data suite (``sekit.data.check``) does not pass, or when
the model suite does not pass for a sensible default model (scikit-learn's
HistGradientBoosting, and a second one trained with another seed as the "deployed" model).
``model.behaviour`` is left out: it tests a model's contract (no crash, valid outputs, the same
answer twice), which a correct model never breaks; it is not a statistical verdict. So are the
checks of the model *file* (``model.footprint``, ``model.training_cost``): the models here are
trained in memory and handed to the suite, with no file to weigh or training record to match.

**Power.** Each fault of :mod:`calibration_faults` is injected at graded strengths on several
data sets, ``--reps`` random splits each; it is *detected* when the suite reports its finding
kind (warn or fail; naming the injected column where there is one).

Deepchecks runs on the first ``--deepchecks-splits`` splits (its suites take seconds per run):
its own verdict (any failed condition) and sekit's reading of its conditions are both counted.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

from _record import record
from calibration_data import DataSet, all_sets
from calibration_faults import FAULTS, Fault, Injected

RESULTS = Path(__file__).parent / "results"


def groups_of(data: DataSet) -> pd.Series | None:
    """Each row's entity: the group column, or the feature vector itself (``"features"``)."""
    if data.group is None:
        return None
    if data.group == "features":
        return pd.util.hash_pandas_object(data.frame.drop(columns=[data.label]), index=False)
    return data.frame[data.group]


def declared(data: DataSet) -> str | None:
    """What the team declares as [data].group: the column, never the feature vector."""
    return data.group if data.group not in (None, "features") else None


def random_splits(data: DataSet, count: int) -> list[tuple[pd.DataFrame, pd.DataFrame]]:
    from sklearn.model_selection import train_test_split

    return [train_test_split(data.frame, test_size=0.3, random_state=s) for s in range(count)]


def splits(data: DataSet, count: int) -> list[tuple[str, pd.DataFrame, pd.DataFrame]]:
    """Clean splits: grouped for data with repeated entities (every entity on one side: the
    correct split), else random and, for classification, stratified."""
    from sklearn.model_selection import GroupShuffleSplit, train_test_split

    groups = groups_of(data)
    if groups is not None:
        made = []
        for seed in range(count):
            splitter = GroupShuffleSplit(1, test_size=0.3, random_state=seed)
            fit, held = next(splitter.split(data.frame, groups=groups))
            made.append(("grouped", data.frame.iloc[fit], data.frame.iloc[held]))
        return made
    made = []
    for seed in range(count):
        train, test = train_test_split(data.frame, test_size=0.3, random_state=seed)
        made.append(("random", train, test))
    if data.task == "classification":
        for seed in range(count):
            train, test = train_test_split(
                data.frame, test_size=0.3, random_state=seed, stratify=data.frame[data.label]
            )
            made.append(("stratified", train, test))
    return made


# --- the native engine -------------------------------------------------------------------


def native_data(data: DataSet, train: pd.DataFrame, test: pd.DataFrame, columns: Any = None) -> Any:
    import sekit.data

    return sekit.data.check(
        train.reset_index(drop=True),
        test.reset_index(drop=True),
        label=data.label,
        task=data.task,
        columns=columns,
        group=declared(data),
    )


def default_model(data: DataSet, train: pd.DataFrame, seed: int) -> Any:
    from sklearn.compose import make_column_transformer
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OrdinalEncoder

    features = train.drop(columns=[data.label])
    text = [c for c in features.columns if not pd.api.types.is_numeric_dtype(features[c])]
    encode = make_column_transformer(
        (OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1), text),
        remainder="passthrough",
        verbose_feature_names_out=False,
    )
    kind = (
        HistGradientBoostingClassifier
        if data.task == "classification"
        else HistGradientBoostingRegressor
    )
    learner = kind(max_iter=100, early_stopping=True, validation_fraction=0.15, random_state=seed)
    return make_pipeline(encode, learner).fit(features, train[data.label])


# a model's contract, and what its file costs: no statistical verdict, and no file here
NOT_STATISTICAL = ("model.behaviour", "model.footprint", "model.training_cost")


def native_model(data: DataSet, train: pd.DataFrame, test: pd.DataFrame, seed: int) -> Any:
    from sekit.checks import specs
    from sekit.checks.context import Context, RunOptions
    from sekit.config.schema import Config
    from sekit.runner import run_check
    from sekit.subjects.datasets import DataBundle, Dataset
    from sekit.subjects.model import wrap

    train, test = train.reset_index(drop=True), test.reset_index(drop=True)
    config = Config.model_validate(
        {
            "project": {"name": "calibration"},
            "data": {"train": "train.csv", "test": "test.csv", "label": data.label},
            "model": {
                "path": "model.joblib",
                "baseline": "deployed.joblib",
                "task": data.task,
            },
        }
    )
    bundle = DataBundle(
        train=Dataset("train", train, "train"),
        test=Dataset("test", test, "test"),
        label=data.label,
        task=data.task,
        group=declared(data),
    )
    ctx = Context(config, RunOptions(ci=True))
    ctx.provide("data.bundle", bundle)
    ctx.provide("model.subject", wrap(default_model(data, train, seed), "m", data.task, bundle))
    ctx.provide(
        "model.previous", wrap(default_model(data, train, seed + 1000), "d", data.task, bundle)
    )
    return [
        run_check(spec, ctx, 600)
        for spec in specs("model", engine="native")
        if spec.id not in NOT_STATISTICAL
    ]


# --- Deepchecks --------------------------------------------------------------------------


def deepchecks_data(data: DataSet, train: pd.DataFrame, test: pd.DataFrame) -> tuple[bool, Any]:
    """(Deepchecks' own verdict: some condition failed, sekit's reading of the results)."""
    from sekit.checks.context import Context, RunOptions
    from sekit.checks.data.suite import SUITE
    from sekit.config.schema import Config
    from sekit.runner import run_check
    from sekit.subjects.datasets import DataBundle, Dataset

    bundle = DataBundle(
        train=Dataset("train", train.reset_index(drop=True), "train"),
        test=Dataset("test", test.reset_index(drop=True), "test"),
        label=data.label,
        task=data.task,
    )
    config = Config.model_validate({"project": {"name": "calibration"}})
    ctx = Context(config, RunOptions(ci=True, engine="deepchecks"))
    ctx.provide("data.bundle", bundle)
    results = [run_check(s, ctx, 1200) for s in SUITE.specs() if s.engine == "deepchecks"]
    failed = any(r.metrics.get("deepchecks_failed_conditions") for r in results)
    return failed, results


# --- counting ----------------------------------------------------------------------------


def reported_kinds(results: Any) -> set[str]:
    """The finding kinds a run reported as warn or fail: what a fault's detection counts, so
    the same count on clean splits is that detection's false-alarm rate."""
    return {f.kind for r in results for f in r.findings if f.severity.value in ("warn", "fail")}


def false_alarms(args: argparse.Namespace) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for data in all_sets(quick=args.quick):
        if args.only and data.name not in args.only:
            continue
        count = args.splits if data.name != "large" else max(2, args.splits // 10)
        made = splits(data, count)
        data_blocks: Counter[str] = Counter()
        model_blocks: Counter[str] = Counter()
        blocked = {"data": 0, "model": 0}
        model_runs = 0
        reported: Counter[str] = Counter()  # finding kinds reported (warn or fail), per split
        deep: Counter[str] = Counter()
        start = time.perf_counter()
        for index, (how, train, test) in enumerate(made):
            if args.engine == "native":
                report = native_data(data, train, test)
                reported.update(reported_kinds(report.results))
                if not report.passed:
                    blocked["data"] += 1
                    data_blocks.update(r.id for r in report.results if r.status.blocks)
                if args.model and index % count < args.model_splits:
                    model_runs += 1
                    results = native_model(data, train, test, index)
                    if any(r.status.blocks for r in results):
                        blocked["model"] += 1
                        model_blocks.update(r.id for r in results if r.status.blocks)
            elif index < args.deepchecks_splits or (
                how == "stratified" and index - count < args.deepchecks_splits
            ):
                failed, results = deepchecks_data(data, train, test)
                reported.update(reported_kinds(results))
                deep["runs"] += 1
                deep["own_verdict_fails"] += failed
                deep["sekit_blocks"] += any(r.status.blocks for r in results)
        found[data.name] = {
            "rows": len(data.frame),
            "columns": data.frame.shape[1] - 1,
            "task": data.task,
            "splits": len(made),
            "seconds": round(time.perf_counter() - start, 1),
            "kinds_on_clean": dict(reported),
            "held_out": data.held_out,
            "grouped": data.group,
        }
        if args.engine == "native" and data.group is not None:
            found[data.name]["random_splits_entities"] = entity_power(data, args.splits)
        if args.engine == "native":
            found[data.name].update(
                model_runs=model_runs,
                data_blocked=blocked["data"],
                data_by=dict(data_blocks),
                model_blocked=blocked["model"] if args.model else None,
                model_by=dict(model_blocks),
            )
        else:
            found[data.name].update(deepchecks=dict(deep))
        print(f"  {data.name}: {found[data.name]}", flush=True)
    return found


def entity_power(data: DataSet, count: int) -> dict[str, int]:
    """Random splits of data with repeated entities are the fault: how often repeated_entities
    names them (any severity) and blocks them (the group declared where the data has an id
    column: a declared group blocks, an entity sekit found warns)."""
    named = blocked = 0
    for train, test in random_splits(data, count):
        report = native_data(data, train, test)
        blocked += bool(report.findings("repeated_entities", severity="fail"))
        named += bool(report.findings("repeated_entities", severity="fail")) or bool(
            report.findings("repeated_entities", severity="warn")
        )
    return {"named": named, "blocked": blocked, "runs": count}


def detected(fault: Fault, injected: Injected, results: Any, *, blocking: bool = False) -> bool:
    """The fault's kind was reported (warn or fail; with ``blocking``, fail only), on the
    injected column where there is one."""
    for result in results:
        for item in result.findings:
            if item.kind != fault.kind or item.severity.value == "info":
                continue
            if blocking and item.severity.value != "fail":
                continue
            if not fault.needs_column or injected.column is None or item.column == injected.column:
                return True
    return False


def power(args: argparse.Namespace) -> dict[str, Any]:
    sets = {d.name: d for d in all_sets(quick=True, real=False)}
    found: dict[str, Any] = {}
    for fault in FAULTS:
        table: dict[str, Any] = {}
        for strength in fault.strengths:
            row: dict[str, Any] = {}
            for name in fault.datasets:
                data = sets[name]
                hits = blocks = runs = 0
                for rep in range(args.reps):
                    rng = np.random.default_rng(1000 + rep)
                    from sklearn.model_selection import train_test_split

                    train, test = train_test_split(data.frame, test_size=0.3, random_state=rep)
                    injected = fault.inject(
                        data,
                        train.reset_index(drop=True),
                        test.reset_index(drop=True),
                        strength,
                        rng,
                    )
                    if args.engine == "native":
                        results = native_data(
                            data, injected.train, injected.test, injected.columns or None
                        ).results
                    else:
                        _, results = deepchecks_data(data, injected.train, injected.test)
                    hits += detected(fault, injected, results)
                    blocks += detected(fault, injected, results, blocking=True)
                    runs += 1
                row[name] = {"detected": hits, "blocked": blocks, "runs": runs}
            table[str(strength)] = row
            print(f"  {fault.name} {strength}: {row}", flush=True)
        found[fault.name] = {
            "kind": fault.kind,
            "harms_from": fault.harms_from,
            "why": fault.why,
            "strengths": table,
        }
    return found


# --- report ------------------------------------------------------------------------------


def load(engine: str) -> dict[str, Any] | None:
    path = RESULTS / f"calibration_{engine}.json"
    return json.loads(path.read_text()) if path.is_file() else None


def clean_rate(results: dict[str, Any], kind: str) -> str:
    """How often a finding kind was reported (warn or fail) on the clean splits."""
    reported = runs = 0
    for row in results.get("false_alarms", {}).values():
        if "kinds_on_clean" not in row:
            continue
        reported += row["kinds_on_clean"].get(kind, 0)
        runs += (
            row.get("deepchecks", {}).get("runs", row["splits"])
            if "deepchecks" in row
            else (row["splits"])
        )
    return f"{reported}/{runs}" if runs else "-"


def report() -> None:
    native, deep = load("native"), load("deepchecks")
    if native is None:
        raise SystemExit("no benchmarks/results/calibration_native.json yet: run the benchmark")
    print(
        f"False blocks on clean splits (native {native['date'][:10]}"
        + (f", Deepchecks {deep['date'][:10]}" if deep else "")
        + ")\n"
    )
    print(
        f"{'data set':<14} {'rows':>7} {'splits':>6} {'data suite':>11} {'model suite':>12}"
        f" {'Deepchecks (own verdict)':>25} {'Deepchecks (sekit reading)':>27}"
    )
    for name, row in native["false_alarms"].items():
        dc = (deep or {}).get("false_alarms", {}).get(name, {}).get("deepchecks", {})
        runs = dc.get("runs", 0)
        own = f"{dc.get('own_verdict_fails', 0)}/{runs}" if runs else "-"
        mapped = f"{dc.get('sekit_blocks', 0)}/{runs}" if runs else "-"
        model = (
            "-"
            if row.get("model_blocked") is None
            else f"{row['model_blocked']}/{row.get('model_runs', row['splits'])}"
        )
        marks = ("*" if row.get("held_out") else "") + ("g" if row.get("grouped") else "")
        print(
            f"{name + marks:<14} {row['rows']:>7} {row['splits']:>6} "
            f"{row['data_blocked']:>5}/{row['splits']:<5} {model:>12} {own:>25} {mapped:>27}"
        )
    print("\n* held out (measured once, after the rules were fixed); g grouped splits")
    entity_rows = {
        n: r["random_splits_entities"]
        for n, r in native["false_alarms"].items()
        if "random_splits_entities" in r
    }
    if entity_rows:
        print("Random splits of data with repeated entities, named (blocked) by repeated_entities:")
        for name, cell in entity_rows.items():
            named = cell.get("named", cell["blocked"])
            print(f"  {name}: {named}/{cell['runs']} ({cell['blocked']}/{cell['runs']})")
    print("\nDetection of injected faults (detected/runs; Deepchecks beside, where run)\n")
    for fault, entry in native["power"].items():
        dc_entry = (deep or {}).get("power", {}).get(fault, {})
        print(
            f"{fault} -> {entry['kind']} (plainly harmful from {entry['harms_from']:g}; "
            f"reported on clean splits: {clean_rate(native, entry['kind'])}"
            + (f", Deepchecks {clean_rate(deep, entry['kind'])}" if deep else "")
            + ")"
        )
        for strength, row in entry["strengths"].items():
            cells = []
            for name, cell in row.items():
                other = dc_entry.get("strengths", {}).get(strength, {}).get(name)
                shown = f"{cell['detected']}/{cell['runs']}"
                if "blocked" in cell and cell["blocked"] != cell["detected"]:
                    shown += f" [blocks {cell['blocked']}]"
                if other:
                    shown += f" (DC {other['detected']}/{other['runs']})"
                cells.append(f"{name} {shown}")
            print(f"  {strength:>6}: " + ", ".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["native", "deepchecks"], default="native")
    parser.add_argument("--splits", type=int, default=200)
    parser.add_argument("--deepchecks-splits", type=int, default=10)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--part", choices=["false-alarms", "power", "all"], default="all")
    parser.add_argument("--no-model", dest="model", action="store_false")
    parser.add_argument(
        "--model-splits",
        type=int,
        default=10**9,
        help="the model suite on the first N random and N stratified splits only (it trains)",
    )
    parser.add_argument("--quick", action="store_true", help="the large set at 20,000 rows")
    parser.add_argument("--only", nargs="*", help="the false alarms of these data sets only")
    parser.add_argument("--report", action="store_true", help="print the recorded results")
    args = parser.parse_args()
    if args.report:
        report()
        return
    results: dict[str, Any] = {"engine": args.engine, "splits": args.splits, "reps": args.reps}
    if args.part in ("false-alarms", "all"):
        print("false alarms on clean splits", flush=True)
        results["false_alarms"] = false_alarms(args)
    if args.part in ("power", "all"):
        print("detection of injected faults", flush=True)
        results["power"] = power(args)
    # what this run did not measure comes from the recorded results as they are now (read at
    # the end: a power run and a false-alarm run may go side by side)
    previous = load(args.engine) or {}
    if args.only:
        results["false_alarms"] = {**previous.get("false_alarms", {}), **results["false_alarms"]}
    results.setdefault("false_alarms", previous.get("false_alarms", {}))
    results.setdefault("power", previous.get("power", {}))
    path = record(f"calibration_{args.engine}", results)
    print(f"recorded in {path}")
    report()


if __name__ == "__main__":
    main()
