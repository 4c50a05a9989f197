"""Does a week of wrong corrections get a worse model promoted? The retraining loop's golden
rows against the loop as it was.

    python benchmarks/golden.py [--runs 20] [--per-day 100]

Each run is one week of the classification example's service: ``--per-day`` requests a day
(patients like those of the data: a row of the gathered data, not golden, each measurement
moved by 1%), and a tenth of them come back with a correction, every one of them wrong (the
label flipped). The loop retrains every day on everything that came back so far, with the
example's own pipeline code (sanitize: the golden rows kept aside, feedback joined; features:
the split; train: the model, without MLflow), and decides with :func:`sekit.retrain.golden.
decide`, the rule ``sekit retrain`` applies (non-inferiority on the golden rows, margin 0, and
McNemar's exact test).

Beside it, on the same retrained models, the loop as it was: promoted when the model met the
example's gates (accuracy and macro F1 at least 0.90) on its own test split, which holds the
wrong feedback too, and ``sekit check release``'s accuracy rule did not roll it back on that
split (McNemar p < 0.05 and at least ``max_accuracy_drop`` lost). And a control week whose
corrections are all right: the cost of the rule is the promotions it refuses there.

Nothing of the rule was tuned on this benchmark (the margin is 0 and alpha 0.05 by decision,
before it ran): it is measured once.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")  # a loaded 2-core machine: no spinning threads

import numpy as np
import pandas as pd
from _record import record

from sekit import stats
from sekit.checks.release.settings import Release
from sekit.retrain.golden import decide

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "classification"
DAYS = 7


def accuracy(model: Any, frame: pd.DataFrame, features: list[str], label: str) -> np.ndarray:
    """1 for each row the model gets right."""
    return (model.predict(frame[features]) == frame[label].to_numpy()).astype(float)


def traffic(
    pool: pd.DataFrame, rng: np.random.Generator, count: int, numeric: list[str]
) -> pd.DataFrame:
    """``count`` served requests: rows of the pool, each measurement moved by about 1%."""
    rows = pool.sample(count, replace=True, random_state=rng).reset_index(drop=True)
    low, high = pool[numeric].min(), pool[numeric].max()
    moved = rows[numeric] * (1 + rng.normal(0, 0.01, size=(count, len(numeric))))
    rows[numeric] = moved.clip(low, high, axis=1)
    return rows


def old_loop_promotes(
    challenger_right: np.ndarray, champion_right: np.ndarray, f1_ok: bool, drop: float
) -> bool:
    """The loop before the golden rows, on the run's own test split: the gates, then the
    release check's accuracy rule."""
    if challenger_right.mean() < 0.90 or not f1_ok:
        return False
    p_value, _, _ = stats.mcnemar(challenger_right == 1, champion_right == 1)
    loss = float(champion_right.mean() - challenger_right.mean())
    return not (p_value < 0.05 and loss >= drop)


def week(project: Path, seed: int, per_day: int, wrong: bool) -> dict[str, Any]:
    from classification_demo import features, sanitize, train
    from classification_demo.config import FEATURES, LABEL, NUMERIC, params, paths
    from sklearn.metrics import f1_score

    rng = np.random.default_rng(seed)
    feedback = paths().feedback_labelled
    feedback.unlink(missing_ok=True)
    settings = params()
    pool = sanitize.run()  # no feedback yet: the gathered rows that are not golden
    first_train, _ = features.run()
    golden = pd.read_csv(paths().golden)
    champion = old_champion = train.fit(first_train, settings)
    start = accuracy(champion, golden, FEATURES, LABEL).mean()
    labels = sorted(pool[LABEL].unique())
    came_back: list[pd.DataFrame] = []
    days = []
    for _ in range(DAYS):
        served = traffic(pool, rng, per_day, NUMERIC)
        corrected = served.sample(frac=0.1, random_state=rng)
        if wrong:  # every correction wrong: the other label
            corrected[LABEL] = corrected[LABEL].map(lambda v: labels[1 - labels.index(v)])
        came_back.append(corrected)
        pd.concat(came_back).to_csv(feedback, index=False)
        sanitize.run()
        trained, test = features.run()
        challenger = train.fit(trained, settings)
        new = accuracy(challenger, golden, FEATURES, LABEL)
        old = accuracy(champion, golden, FEATURES, LABEL)
        decision = decide(1 - new, 1 - old, classification=True, margin=0.0)
        worse = bool(new.mean() < old.mean())
        if decision.promote:
            champion = challenger
        own = accuracy(challenger, test, FEATURES, LABEL)
        f1_ok = f1_score(test[LABEL], challenger.predict(test[FEATURES]), average="macro") >= 0.9
        before = accuracy(old_champion, test, FEATURES, LABEL)
        old_promotes = old_loop_promotes(own, before, f1_ok, Release().max_accuracy_drop)
        old_worse = bool(new.mean() < accuracy(old_champion, golden, FEATURES, LABEL).mean())
        if old_promotes:
            old_champion = challenger
        days.append(
            {
                "promoted": decision.promote,
                "promoted_worse": decision.promote and worse,
                "old_promoted": old_promotes,
                "old_promoted_worse": old_promotes and old_worse,
                "challenger_golden": round(float(new.mean()), 4),
                "own_test": round(float(own.mean()), 4),
            }
        )
    return {
        "golden_rows": len(golden),
        "golden_start": round(float(start), 4),
        "golden_end": round(float(accuracy(champion, golden, FEATURES, LABEL).mean()), 4),
        "old_golden_end": round(float(accuracy(old_champion, golden, FEATURES, LABEL).mean()), 4),
        "days": days,
    }


def summary(weeks: list[dict[str, Any]]) -> dict[str, Any]:
    days = [d for w in weeks for d in w["days"]]
    return {
        "decisions": len(days),
        "promoted": sum(d["promoted"] for d in days),
        "promoted_worse_on_golden": sum(d["promoted_worse"] for d in days),
        "old_loop_promoted": sum(d["old_promoted"] for d in days),
        "old_loop_promoted_worse_on_golden": sum(d["old_promoted_worse"] for d in days),
        "weeks_ending_below_start": sum(w["golden_end"] < w["golden_start"] for w in weeks),
        "old_loop_weeks_ending_below_start": sum(
            w["old_golden_end"] < w["golden_start"] for w in weeks
        ),
        "golden_accuracy_start_mean": round(float(np.mean([w["golden_start"] for w in weeks])), 4),
        "golden_accuracy_end_mean": round(float(np.mean([w["golden_end"] for w in weeks])), 4),
        "old_loop_golden_accuracy_end_mean": round(
            float(np.mean([w["old_golden_end"] for w in weeks])), 4
        ),
        "old_loop_golden_accuracy_end_min": min(w["old_golden_end"] for w in weeks),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--per-day", type=int, default=100)
    args = parser.parse_args()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="sekit-golden-") as folder:
        project = Path(folder) / "project"
        shutil.copytree(EXAMPLE, project)
        os.environ["CLASSIFICATION_DEMO_ROOT"] = str(project)
        sys.path.insert(0, str(project / "src"))
        from classification_demo import ingest

        ingest.run()
        results: dict[str, list[dict[str, Any]]] = {"wrong": [], "right": []}
        for run in range(args.runs):
            for kind in results:
                results[kind].append(week(project, run, args.per_day, wrong=kind == "wrong"))
            print(f"run {run + 1}/{args.runs}: {results['wrong'][-1]['golden_end']}", flush=True)
    numbers = {
        "runs": args.runs,
        "days": DAYS,
        "requests_per_day": args.per_day,
        "corrections": "a tenth of the traffic; 'wrong': every label flipped, 'right': true",
        "rule": "sekit.retrain.golden.decide, margin 0, alpha 0.05 (not tuned here)",
        "wrong_corrections": summary(results["wrong"]),
        "right_corrections": summary(results["right"]),
        "seconds": round(time.monotonic() - started, 1),
        "weeks": results,
    }
    path = record("golden", numbers)
    print(f"{path}: wrong {numbers['wrong_corrections']}; right {numbers['right_corrections']}")


if __name__ == "__main__":
    main()
