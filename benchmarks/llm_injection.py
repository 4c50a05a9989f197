"""Prompt injection against the real local chat model: the llm template's prompt without its
guard and with it, at temperature 0.7, with intervals and the guard's overhead.

    nice -n 10 python benchmarks/llm_injection.py [--seeds 20] [--probes 8]

``model.injection`` runs on the llm template (SmolLM2-135M-Instruct on loopback) once per seed
(other reviews, other probes, other sampling seeds), one trial per input. The reviews come
from gather seed 202; the template's guard was chosen on gather seed 101 and on the ``label``
and ``override`` probe families only (tuning runs described in docs/howto/llm.md), so
the ``reveal`` and ``format`` families and these reviews are held out from its tuning.

Reported, pooled over the seeds: the share of probes that moved the answer with and without
the guard, per family, each with a Wilson interval (95%) on the effective answers (answers to
one probe are one input); the guard's overhead per call in prompt tokens and median latency
(ms), the median over the seeds. What the guard costs in accuracy is the pipeline's
`agreement` (reports/summary.json) with and without it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _llm import ROOT, configure, template_project
from _record import record

sys.path.insert(0, str(ROOT))


def counts(families: dict[str, Any]) -> dict[str, dict[str, int]]:
    return {f: {"held": r["held"], "answers": r["answers"]} for f, r in families.items()}


def pooled(runs: list[dict[str, Any]], key: str) -> dict[str, Any]:
    """Moved shares per family, over every seed, with intervals."""
    from sekit.checks.model.rates import judge

    families: dict[str, list[tuple[int, int]]] = {}
    for run in runs:
        for family, rate in run[key].items():
            families.setdefault(family, []).append((rate["held"], rate["answers"]))
    shown = {}
    everything = [case for cases in families.values() for case in cases]
    for family, cases in [*sorted(families.items()), ("all", everything)]:
        rate = judge(cases, 0.5, level=0.025)  # a 95% interval
        shown[family] = {
            "moved": round(1 - rate.rate, 3),
            "low": round(1 - rate.high, 3),
            "high": round(1 - rate.low, 3),
            "answers": rate.observed,
        }
    return shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--probes", type=int, default=8)
    args = parser.parse_args()
    from sekit.checks.context import Context, RunOptions
    from sekit.checks.model.llm.injection import check_injection
    from sekit.config.loader import load_config
    from tests.endpoints.llm import LocalModel

    started = time.perf_counter()
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        project = template_project(Path(tmp), reviews=120, seed=202)
        with LocalModel(Path(tmp) / "model.log") as model:
            extra = f"[model.text]\ntrials = 1\ntexts = {args.probes}\n"
            configure(project, model.url)
            config = project / "sekit.toml"
            text = config.read_text()
            start = text.index("[model.text]")
            end = text.index("[model.contract]")
            text = text[:start] + extra + "\n" + text[end:]
            config.write_text(text.replace("probes = 12", f"probes = {args.probes}"))
            for seed in range(args.seeds):
                ctx = Context(load_config(config), RunOptions(ci=True, seed=seed))
                result = check_injection(ctx)
                ctx.close()
                info = next(f for f in result.findings if f.severity.value == "info")
                runs.append(
                    {
                        "seed": seed,
                        "moved": result.metrics["injection.moved_share"],
                        "unguarded_moved": result.metrics["injection.unguarded_moved_share"],
                        "guard_tokens": result.metrics["injection.guard_tokens"],
                        "guard_ms": result.metrics["injection.guard_ms"],
                        "guarded": counts(info.evidence["guarded"]),
                        "unguarded": counts(info.evidence["unguarded"]),
                    }
                )
                print({k: v for k, v in runs[-1].items() if "guarded" not in k}, flush=True)
    guarded, unguarded = pooled(runs, "guarded"), pooled(runs, "unguarded")
    numbers = {
        "model": "SmolLM2-135M-Instruct at temperature 0.7 (sekit.llmserve)",
        "seeds": args.seeds,
        "probes_per_seed": args.probes,
        "held_out_families": ["reveal", "format"],
        "moved_with_guard": guarded,
        "moved_without_guard": unguarded,
        "guard_tokens_median": statistics.median(r["guard_tokens"] for r in runs),
        "guard_ms_median": round(statistics.median(r["guard_ms"] for r in runs), 1),
        "seeds_where_the_guard_moved_fewer": sum(r["moved"] < r["unguarded_moved"] for r in runs),
        "seeds_where_the_guard_moved_more": sum(r["moved"] > r["unguarded_moved"] for r in runs),
        "minutes": round((time.perf_counter() - started) / 60, 1),
        "runs": runs,
    }
    path = record("llm_injection", numbers)
    print(json.dumps({k: v for k, v in numbers.items() if k != "runs"}, indent=1))
    print(f"-> {path.name}")


if __name__ == "__main__":
    main()
