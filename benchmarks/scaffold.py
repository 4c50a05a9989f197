"""`sekit new`, then the generated project's pipeline (`dvc repro`) and `sekit gate`, timed
end to end.

    python benchmarks/scaffold.py [--template classification]

Run it in an environment with sekit and the project's dependencies (sekit-ml[dev], which has
DVC and MLflow). The project is used in place with PYTHONPATH=src rather than installed.
Target (issue 6): pipeline plus gate (load test included, its default 2 s warm-up and 10 s)
under 90 seconds.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _record import record


def timed(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--template", default="classification")
    args = parser.parse_args()
    sekit = [sys.executable, "-m", "sekit"]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        path = os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])
        env = {**os.environ, "PYTHONPATH": str(root / "demo" / "src"), "PATH": path}
        env.pop("CI", None)
        numbers = {
            "new_s": timed([*sekit, "new", "demo", "--template", args.template], root, env),
            "pipeline_s": timed([sys.executable, "-m", "dvc", "repro"], root / "demo", env),
            "gate_s": timed([*sekit, "gate", "--quiet"], root / "demo", env),
        }
    numbers = {k: round(v, 1) for k, v in numbers.items()}
    total = numbers["pipeline_s"] + numbers["gate_s"]
    print(
        f"sekit new {numbers['new_s']} s; pipeline {numbers['pipeline_s']} s; "
        f"sekit gate {numbers['gate_s']} s; pipeline + gate {total:.1f} s "
        f"(target < 90 s: {'met' if total < 90 else 'MISSED'})"
    )
    path = record(
        f"scaffold_{args.template}",
        {"template": args.template, **numbers, "pipeline_plus_gate_s": round(total, 1)},
    )
    print(f"recorded in {path}")


if __name__ == "__main__":
    main()
