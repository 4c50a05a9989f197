"""How often `load.fallback` is right: false alarms on the scaffold's service (which has a
fallback) and detections on the same service with the fallback removed or unmarked, each
under both injected faults, repeated.

    python benchmarks/fallback.py [--repeats 5] [--duration 3s] [--budget-ms 100]

Run it in an environment with sekit-ml[dev] (DVC, MLflow, Locust). The classification example
is trained once with `dvc repro`; every repetition starts the real service under real Locust
(the example's [load]: 20 users at 2 requests/s each) with the fault injected. `--budget-ms`
is the service's MODEL_BUDGET_MS (the scaffold's default is 100 ms against a 200 ms p95 bound).
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

from _record import record

from sekit.scaffold.variants import break_in_place

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "classification"


# the service as scaffolded, and the broken services of sekit.scaffold.variants
VARIANTS = {"scaffold": None, "no fallback": "no-fallback", "unmarked": "unmarked-fallback"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--duration", default="3s")
    parser.add_argument("--budget-ms", default="100")
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
        config = trained / "sekit.toml"
        text = config.read_text().replace('duration = "10s"', f'duration = "{args.duration}"')
        budget = f'env = {{ MODEL_BUDGET_MS = "{args.budget_ms}" }}'
        payload = 'payload = "tests/load/payload.json"'
        text = text.replace(payload, f"{payload}\n{budget}")
        config.write_text(text.replace('warmup = "2s"', 'warmup = "1s"'))
        for variant, change in VARIANTS.items():
            for fault in ("model-error", "model-slow"):
                key = f"{variant} / {fault}"
                outcomes[key] = {}
                for _ in range(args.repeats):
                    project = Path(folder) / "run"
                    shutil.rmtree(project, ignore_errors=True)
                    shutil.copytree(trained, project, ignore=shutil.ignore_patterns(".sekit"))
                    if change is not None:
                        break_in_place(change, project, "classification_demo")
                    start = time.perf_counter()
                    done = subprocess.run(
                        [sys.executable, "-m", "sekit", "check", "load", "--fault", fault,
                         "--format", "json"],
                        cwd=project, env={**env, "PYTHONPATH": str(project / "src")},
                        capture_output=True, text=True,
                    )  # fmt: skip
                    seconds.append(time.perf_counter() - start)
                    report = json.loads(done.stdout)
                    [check] = [c for c in report["checks"] if c["id"] == "load.fallback"]
                    found = sorted(
                        {
                            f["message"].split(": ")[0].split(" ", 3)[-1][:40]
                            for f in check["findings"]
                            if f["severity"] == "fail"
                        }
                    )
                    outcomes[key].setdefault(check["status"], []).append("; ".join(found))
                counts = {status: len(runs) for status, runs in outcomes[key].items()}
                print(f"{key:28} {counts}")
    numbers = {
        "repeats": args.repeats,
        "duration": args.duration,
        "budget_ms": args.budget_ms,
        "outcomes": {k: {s: len(r) for s, r in v.items()} for k, v in outcomes.items()},
        "reasons": outcomes,
        "seconds_per_run": round(sum(seconds) / len(seconds), 1),
    }
    print(f"recorded in {record('fallback', numbers)}")


if __name__ == "__main__":
    main()
