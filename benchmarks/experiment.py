"""`sekit check experiment` on simulated A/B runs: false decisions, power, and how often a
broken assignment is flagged.

    python benchmarks/experiment.py [--runs 1000] [--users 2000]

Every run is a log and a feedback file written as a service writes them
(tests/experiment/simulate.py: users with their own accuracy and latency level, a Poisson number
of requests each, half of the requests labelled), judged by the check itself
(``sekit.runner.run``, suite ``experiment``), at the defaults (alpha 0.05, SRM at p < 0.001).

* **A/A** (``--runs`` runs, both arms alike): a false decision is ``ship`` or ``keep``; the
  nominal rate is alpha = 5%. Also: the first 20 seeds alone (issue 25's "20 A/A runs"), and
  sample-ratio and stickiness alarms on these correct runs (nominal SRM rate: 0.1%).
* **Power**: the minimum detectable effect that the A/A runs report (their median, at 80%
  power) added to the treatment's accuracy; ``ship`` should follow in about 80% of the runs.
* **Broken assignment**: 5% or 10% of the treatment's users lost from the log, at ``--users``
  and at 10 000 users; 2% of users assigned per request instead of per user.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _record import record

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def judged(run_: Any, folder: Path, **keys: Any) -> dict[str, Any]:
    from sekit.checks.experiment.difference import Arms
    from sekit.config.loader import load_config
    from sekit.runner import run
    from tests.experiment.simulate import config, write

    write(run_, folder)
    report = run(load_config(config(folder, run_, **keys)), suites=["experiment"], save=False)
    checks = {c.id: c for c in report.checks}
    kept = Arms.read(checks["experiment.difference"])
    assert kept is not None
    return {
        "decision": kept.decisions[0].decision if kept.decisions else "none",
        "mde": kept.decisions[0].mde if kept.decisions else None,
        "srm": any(
            f.kind == "sample_ratio_mismatch" for f in checks["experiment.assignment"].findings
        ),
        "unsticky": checks["experiment.assignment"].metrics.get("unsticky_users", 0) > 0,
        # a check that could not measure (an arm without two observed users): it blocks
        "error": any(c.status.value == "error" for c in checks.values()),
    }


def rate(hits: int, runs: int) -> dict[str, Any]:
    from sekit.stats import wilson

    low, high = wilson(hits, runs)
    return {
        "hits": hits,
        "runs": runs,
        "rate": round(hits / runs, 4),
        "wilson95": [round(low, 4), round(high, 4)],
    }


def main() -> None:
    from tests.experiment.simulate import Run

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--users", type=int, default=2000)
    args = parser.parse_args()
    started = time.perf_counter()
    numbers: dict[str, Any] = {
        "runs": args.runs,
        "users": args.users,
        "alpha": 0.05,
        "srm_p": 0.001,
    }
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        aa = [judged(Run(users=args.users, seed=s), folder / "aa") for s in range(args.runs)]
        false = sum(r["decision"] in ("ship", "keep") for r in aa)
        numbers["a_a_false_decisions"] = rate(false, len(aa))
        blocks = [
            sum(r["decision"] in ("ship", "keep") for r in aa[i : i + 20])
            for i in range(0, len(aa) - 19, 20)
        ]
        numbers["a_a_first_20_false_decisions"] = blocks[0]
        # per block of 20 runs: how many blocks had 0, 1, 2, ... false decisions (at alpha =
        # 5%, Binomial(20, 0.05) gives 0 in 36% of blocks, 1 in 38%, 2 in 19%)
        numbers["a_a_blocks_of_20"] = {str(k): blocks.count(k) for k in sorted(set(blocks))}
        numbers["a_a_false_ship"] = sum(r["decision"] == "ship" for r in aa)
        numbers["a_a_false_keep"] = sum(r["decision"] == "keep" for r in aa)
        numbers["a_a_srm_alarms"] = rate(sum(r["srm"] for r in aa), len(aa))
        numbers["a_a_unsticky_alarms"] = sum(r["unsticky"] for r in aa)
        numbers["a_a_not_measured"] = sum(r["error"] for r in aa)
        mde = statistics.median(r["mde"] for r in aa if r["mde"] is not None)
        numbers["median_mde"] = round(mde, 4)
        power_runs = max(args.runs // 5, 50)
        effect = {"control": 0.8, "treatment": 0.8 + mde}
        found = [
            judged(Run(users=args.users, accuracy=effect, seed=10_000 + s), folder / "power")
            for s in range(power_runs)
        ]
        numbers["power_at_median_mde"] = rate(
            sum(r["decision"] == "ship" for r in found), power_runs
        )
        numbers["power_wrong_direction"] = sum(r["decision"] == "keep" for r in found)
        numbers["power_not_measured"] = sum(r["error"] for r in found)
        broken_runs = max(args.runs // 10, 30)
        for users, share in ((args.users, 0.05), (args.users, 0.1), (10_000, 0.05), (10_000, 0.1)):
            lost = [
                judged(Run(users=users, lost=share, seed=20_000 + s), folder / "lost")
                for s in range(broken_runs)
            ]
            numbers[f"srm_found_{share:.0%}_lost_{users}_users"] = rate(
                sum(r["srm"] for r in lost), broken_runs
            )
        mixed = [
            judged(Run(users=args.users, unsticky=0.02, seed=30_000 + s), folder / "mixed")
            for s in range(broken_runs)
        ]
        numbers["unsticky_found_2pct_mixed"] = rate(sum(r["unsticky"] for r in mixed), broken_runs)
    numbers["seconds"] = round(time.perf_counter() - started, 1)
    path = record("experiment", numbers)
    print(path.read_text())


if __name__ == "__main__":
    main()
