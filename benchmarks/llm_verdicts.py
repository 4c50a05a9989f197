"""Verdicts under non-determinism, measured on the real local chat model at temperature 0.7.

    nice -n 10 python benchmarks/llm_verdicts.py [--seeds 20] [--texts 12] [--trials 3]

The llm template's reviews, prompt and contract; SmolLM2-135M-Instruct on loopback.

* **The model's rate.** Each of ``--seeds`` seeds asks other reviews with other sampling
  seeds whether the answer stays when a review's case changes (``invariance to case``, the
  template's prompt, ``--trials`` trials each). The model's rate for seed ``i`` is the pooled
  rate of the *other* seeds (leave one out): the rate a run is judged against was never
  estimated from that run's answers.
* **False fails.** Each seed's answers judged at the model's own rate: how often the verdict
  is ``fail``. Target: at most 1 in 20.
* **Power.** The same answers judged against rates the model misses (its rate + 0.05, and
  halfway from its rate to 1): how often the verdict is ``fail``, ``flaky`` or (wrongly)
  ``pass``.
* **A contract broken in a fifth of the answers.** The same answers, with a fault injected
  into a fifth of them (chosen by a hash of the request: the message replaced by prose, as a
  model that drifts out of its format would answer), judged by model.contract's rule against
  ``min_rate = 0.95``: how often it is found (``fail``). Target: at least 19 of 20. The clean
  answers at the same bound: how often the contract is (wrongly) failed.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from _llm import ROOT, rows, template_project
from _record import record

sys.path.insert(0, str(ROOT))
LEVEL = 0.01  # [model.text].p_value's default: each side of the interval a test at 1%


def asker_for(url: str, prompt: Any, schema: Any, trials: int, seed: int) -> Any:
    from sekit.checks.model.text.engine import Asker
    from sekit.endpoint.answers import Protocol
    from sekit.endpoint.client import Client

    protocol = Protocol("openai", "text", "label", llm="SmolLM2-135M-Instruct", prompt=prompt,
                        schema=schema, temperature=0.7, max_tokens=12, seed=seed)  # fmt: skip
    client = Client(f"{url}/v1/chat/completions", protocol, max_concurrency=4, timeout=300)
    return Asker(client, ("positive", "negative"), trials)


def invariance(asker: Any, texts: list[str], required: float, seed: int) -> Any:
    from sekit.checks.model.text.properties import invariance as judged

    return judged(asker, texts, "case", tolerance=1 - required, level=LEVEL, seed=seed,
                  shrink_seconds=0, ci=True)  # fmt: skip


def contract(calls: list[Any], min_rate: float) -> str:
    """model.contract's rule over these calls: per input, the answers that keep it."""
    from sekit.checks.model.llm.contract import _input_of, kept
    from sekit.checks.model.rates import judge

    inputs: dict[str, list[bool]] = {}
    for call in calls:
        verdict = kept(call, set())
        if verdict is not None:
            inputs.setdefault(_input_of(call.body), []).append(verdict)
    return judge([(sum(v), len(v)) for v in inputs.values()], min_rate, level=LEVEL).verdict


def broken_in_a_fifth(call: Any) -> Any:
    """The call as a model that left its format a fifth of the time would have answered."""
    digest = hashlib.sha256(json.dumps(call.body, sort_keys=True).encode()).digest()
    if digest[0] % 5 != 0:
        return call
    return dataclasses.replace(
        call, prediction=None, content="The review sounds positive to me.",
        error="invalid answer: the message is not JSON (Expecting value)",
    )  # fmt: skip


def agreement(asker: Any, texts: list[str], seed: int) -> list[tuple[int, int]]:
    """Per review: the trials in which its answer stayed when its case changed, of those
    answered (the property's own counting, :func:`invariance`, at any required rate)."""
    outcome = invariance(asker, texts, 0.5, seed)
    assert outcome.rate is not None
    return outcome.per_input


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--texts", type=int, default=12)
    parser.add_argument("--trials", type=int, default=3)
    args = parser.parse_args()
    from sekit.checks.model.rates import judge
    from sekit.checks.model.text.properties import sample
    from sekit.endpoint.prompt import Prompt
    from tests.endpoints.llm import LocalModel

    started = time.perf_counter()
    asked: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        project = template_project(Path(tmp), reviews=120)
        prompt = Prompt.read(project / "prompts" / "sentiment.toml")
        schema = json.loads((project / "contracts" / "answer.schema.json").read_text())
        pool = [row["text"] for row in rows(project)]
        with LocalModel(Path(tmp) / "model.log") as model:
            for seed in range(args.seeds):
                asker = asker_for(model.url, prompt, schema, args.trials, seed)
                per_input = agreement(asker, sample(pool, args.texts, seed), seed)
                asked.append({"seed": seed, "per_input": per_input,
                              "calls": list(asker.client.calls)})  # fmt: skip
                asker.client.close()
                held = sum(h for h, _ in per_input)
                print(f"seed {seed}: {held} of {sum(a for _, a in per_input)}", flush=True)
    runs = []
    for run in asked:
        others = [case for other in asked if other is not run for case in other["per_input"]]
        rate = sum(h for h, _ in others) / sum(a for _, a in others)
        verdicts = {
            name: judge(run["per_input"], required, level=LEVEL).verdict
            for name, required in (
                ("at_rate", rate),
                ("missed_by_0.05", min(rate + 0.05, 0.999)),
                ("missed_halfway", (rate + 1) / 2),
            )
        }
        calls = run["calls"]
        runs.append({
            "seed": run["seed"],
            "held": sum(h for h, _ in run["per_input"]),
            "observed": sum(a for _, a in run["per_input"]),
            "rate_of_the_others": round(rate, 4),
            **verdicts,
            "contract_clean": contract(calls, 0.95),
            "contract_broken_in_a_fifth": contract([broken_in_a_fifth(c) for c in calls], 0.95),
            "calls": len(calls),
        })  # fmt: skip
        print(runs[-1], flush=True)
    keys = ("at_rate", "missed_by_0.05", "missed_halfway", "contract_clean",
            "contract_broken_in_a_fifth")  # fmt: skip
    count = {key: dict(Counter(r[key] for r in runs)) for key in keys}
    pooled = [case for run in asked for case in run["per_input"]]
    numbers = {
        "model": "SmolLM2-135M-Instruct at temperature 0.7 (sekit.llmserve)",
        "property": "invariance to case",
        "level": LEVEL,
        "rate_pooled": round(sum(h for h, _ in pooled) / sum(a for _, a in pooled), 4),
        "seeds": args.seeds,
        "texts_per_seed": args.texts,
        "trials": args.trials,
        "verdicts": count,
        "false_fails_at_rate": count["at_rate"].get("fail", 0),
        "target_false_fails": "at most 1 in 20",
        "contract_found": count["contract_broken_in_a_fifth"].get("fail", 0),
        "target_contract_found": "at least 19 of 20",
        "contract_false_fails": count["contract_clean"].get("fail", 0),
        "minutes": round((time.perf_counter() - started) / 60, 1),
        "runs": runs,
    }
    path = record("llm_verdicts", numbers)
    print(json.dumps({k: v for k, v in numbers.items() if k != "runs"}, indent=1))
    print(f"-> {path.name}")


if __name__ == "__main__":
    main()
