"""How often `sekit check release` is right: promotions of models as good as the deployed one
(a copy, and a model retrained with other hyperparameters: twice the leaves, half the
learning rate, another seed) and roll-backs of broken ones (one
class always, 300 ms and 60 ms slower), in shadow and canary mode, repeated.

    python benchmarks/release.py [--repeats 3] [--duration 6s]

Run it in an environment with sekit-ml[dev] (DVC, MLflow, Locust). The classification example
is trained once with `dvc repro` and its model copied as the deployed one; every run starts
both real services (the scaffold's default 100 ms model budget) under real Locust (the
example's [load]: 20 users at 2 requests/s each).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import joblib
import pandas as pd
from _record import record
from sklearn.base import clone

from sekit import faults

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "classification"
CANDIDATES = ("copy", "retrained", "constant", "slow 300 ms", "slow 60 ms")
MODES = {"shadow": 'mode = "shadow"', "canary 0.3": 'mode = "canary"\nweight = 0.3'}


def candidates(project: Path) -> dict[str, Path]:
    models = project / "models"
    deployed = joblib.load(models / "model.joblib")
    shutil.copy(models / "model.joblib", models / "deployed.joblib")
    train = pd.read_csv(project / "data" / "processed" / "train.csv")
    other = clone(deployed).set_params(
        model__max_leaf_nodes=31, model__learning_rate=0.05, model__random_state=7
    )
    other.fit(train.drop(columns=["diagnosis"]), train["diagnosis"])
    other.model_version_, other.fallback_ = "retrained", deployed.fallback_
    joblib.dump(other, models / "retrained.joblib")
    faults.write(deployed, models / "constant.joblib", "constant", answer="benign")
    faults.write(deployed, models / "slow 300 ms.joblib", "slow", delay_s=0.3)
    faults.write(deployed, models / "slow 60 ms.joblib", "slow", delay_s=0.06)
    shutil.copy(models / "model.joblib", models / "copy.joblib")
    return {name: models / f"{name}.joblib" for name in CANDIDATES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--duration", default="6s")
    args = parser.parse_args()
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])
    outcomes: dict[str, dict[str, list[str]]] = {}
    seconds: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        trained = Path(folder) / "trained"
        shutil.copytree(EXAMPLE, trained)
        env = {**os.environ, "PYTHONPATH": str(trained / "src"), "PATH": path}
        subprocess.run(
            [sys.executable, "-m", "dvc", "repro"], cwd=trained, env=env, check=True,
            capture_output=True,
        )  # fmt: skip
        files = candidates(trained)
        base = trained / "sekit.toml"
        text = base.read_text().replace('duration = "10s"', f'duration = "{args.duration}"')
        text = text.replace('warmup = "2s"', 'warmup = "1s"')
        text = text.replace('# baseline = "models/deployed', 'baseline = "models/deployed')
        for mode, table in MODES.items():
            for name, file in files.items():
                key = f"{name} / {mode}"
                outcomes[key] = {}
                chosen = text.replace('path = "models/model.joblib"', f'path = "{file}"')
                base.write_text(f"{chosen}\n[release]\n{table}\n")
                for _ in range(args.repeats):
                    shutil.rmtree(trained / ".sekit", ignore_errors=True)
                    start = time.perf_counter()
                    done = subprocess.run(
                        [sys.executable, "-m", "sekit", "check", "release", "--format", "json"],
                        cwd=trained, env=env, capture_output=True, text=True,
                    )  # fmt: skip
                    seconds.append(time.perf_counter() - start)
                    report = json.loads(done.stdout)
                    kinds = sorted(
                        {
                            f["kind"]
                            for c in report["checks"]
                            for f in c["findings"]
                            if f["severity"] == "fail"
                        }
                    )
                    decision = (report.get("release") or {}).get("decision", "none")
                    outcomes[key].setdefault(decision, []).append(" ".join(kinds))
                counts = {d: len(runs) for d, runs in outcomes[key].items()}
                print(f"{key:28} {counts} {outcomes[key]}", flush=True)
    numbers = {
        "repeats": args.repeats,
        "duration": args.duration,
        "outcomes": {k: {s: len(r) for s, r in v.items()} for k, v in outcomes.items()},
        "kinds": outcomes,
        "seconds_per_run": round(sum(seconds) / len(seconds), 1),
    }
    print(f"recorded in {record('release', numbers)}")


if __name__ == "__main__":
    main()
