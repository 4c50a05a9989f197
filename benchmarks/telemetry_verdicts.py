"""False alarms and power of the telemetry verdicts added for CMU's M4 lines (issue 37).

**feedback_loop** (:mod:`sekit.checks.monitor.concentration`): pairs of periods of lists of ten
items drawn from a Zipf popularity over 400 items. Steady: the same exponent (0.6) in both
periods, at equal volumes (300/300) and at very unequal ones (1,500 then 60, 60 then 1,500),
where a raw Gini bound is fooled by volume. Narrowing: 0.6 to 0.8 and 0.6 to 1.0, 300/300.
Judged as the check does: excess above 0.05 and p < 0.05. Seeds 1,000 and up (the tests use
seeds below 10).

**experiment.guardrails** (:mod:`sekit.checks.experiment.guardrails`): simulated A/B runs
(tests/experiment/simulate.py, 800 users) judged on accuracy, cost and latency together at
alpha = 0.05. A/A: the share of runs where any of the three comparisons decides (the
family-wise error Holm holds at 5%). Costlier: the treatment's mean cost 25% higher, the rest
equal: the share of runs with experiment_harm on cost. Seeds 5,000 and up.

    nice -n 10 python benchmarks/telemetry_verdicts.py --rounds 200 --runs 300
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks._record import record
from sekit.checks.monitor.concentration import rise

CATALOGUE = 400


def lists(count: int, exponent: float, generator: np.random.Generator) -> list[list[str]]:
    weights = 1 / np.arange(1, CATALOGUE + 1) ** exponent
    weights /= weights.sum()
    return [
        [str(i) for i in generator.choice(CATALOGUE, size=10, replace=False, p=weights)]
        for _ in range(count)
    ]


def feedback_loop(rounds: int) -> dict[str, dict[str, float]]:
    cases = {
        "steady 300/300": (300, 300, 0.6, 0.6),
        "steady 1500/60": (1500, 60, 0.6, 0.6),
        "steady 60/1500": (60, 1500, 0.6, 0.6),
        "narrowing 0.6->0.7": (300, 300, 0.6, 0.7),
        "narrowing 0.6->0.8": (300, 300, 0.6, 0.8),
        "narrowing 0.6->1.0": (300, 300, 0.6, 1.0),
    }
    out: dict[str, dict[str, float]] = {}
    for name, (first, last, a, b) in cases.items():
        failed = 0
        raw = 0
        for seed in range(1000, 1000 + rounds):
            generator = np.random.default_rng(seed)
            measured = rise(lists(first, a, generator), lists(last, b, generator), seed=seed)
            failed += measured.excess > 0.05 and measured.p_value < 0.05
            raw += measured.rise > 0.05
        out[name] = {
            "rounds": rounds,
            "fail_share": failed / rounds,
            "raw_rise_share": raw / rounds,
        }
        print(name, out[name], flush=True)
    return out


def guardrails(rounds: int) -> dict[str, dict[str, float]]:
    import tempfile

    from sekit.config.loader import load_config
    from sekit.runner import run
    from sekit.stats import wilson
    from tests.experiment.simulate import Run, config, write

    guards = {"cost": "lower", "latency_ms": "lower"}
    cases = {
        "A/A": {},
        "cost +25%": {"cost": {"control": 0.002, "treatment": 0.0025}},
    }
    out: dict[str, dict[str, float]] = {}
    for name, change in cases.items():
        hits = 0
        for seed in range(5000, 5000 + rounds):
            simulated = Run(users=800, seed=seed, **change)  # type: ignore[arg-type]
            with tempfile.TemporaryDirectory() as folder:
                write(simulated, Path(folder))
                settings = config(Path(folder), simulated, guardrails=guards)
                report = run(load_config(settings), suites=["experiment"], save=False)
            [guard] = [c for c in report.checks if c.id == "experiment.guardrails"]
            decided = guard.metrics.get("guardrail_min_p", 1.0) < 0.05
            hits += decided if name == "A/A" else guard.metrics.get("guardrail_harms", 0) > 0
        low, high = wilson(hits, rounds)
        out[name] = {"rounds": rounds, "share": hits / rounds, "wilson95": [low, high]}
        print(name, out[name], flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=200, help="feedback_loop: per case")
    parser.add_argument("--runs", type=int, default=300, help="guardrails: per case")
    parser.add_argument("--only", choices=["feedback_loop", "guardrails"], default=None)
    args = parser.parse_args()
    sizes = {"feedback_loop": args.rounds, "guardrails": args.runs}
    parts = {"feedback_loop": feedback_loop, "guardrails": guardrails}
    chosen = [args.only] if args.only else list(parts)
    record(
        "telemetry_verdicts" + (f"_{args.only}" if args.only else ""),
        {name: parts[name](sizes[name]) for name in chosen},
    )


if __name__ == "__main__":
    main()
