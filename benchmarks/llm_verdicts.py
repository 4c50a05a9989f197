"""Verdicts under non-determinism, measured on the real local chat model at temperature 0.7.

    nice -n 10 python benchmarks/llm_verdicts.py [--seeds 20] [--texts 12] [--trials 3]

The llm template's reviews, prompt and contract; SmolLM2-135M-Instruct on loopback.

* **Calibration** (seeds 1000+, held apart from the runs below): the rate at which the model
  keeps its answer when a review's case changes (``invariance to case``), on ``3 x --texts``
  reviews with one trial more: the model's rate, ``r``.
* **False fails.** For each of ``--seeds`` seeds (other reviews, other sampling seeds), the
  property judged at the model's own rate (required ``r``): how often the verdict is ``fail``.
  Target: at most 1 in 20.
* **Power.** The same answers judged against a rate the model misses (``r + 0.10``, and the
  rate halfway to 1): how often the verdict is ``fail``, ``flaky`` or (wrongly) ``pass``.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--texts", type=int, default=12)
    parser.add_argument("--trials", type=int, default=3)
    args = parser.parse_args()
    from sekit.checks.model.text.properties import sample
    from sekit.endpoint.prompt import Prompt
    from tests.endpoints.llm import LocalModel

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        project = template_project(Path(tmp), reviews=120)
        prompt = Prompt.read(project / "prompts" / "sentiment.toml")
        schema = json.loads((project / "contracts" / "answer.schema.json").read_text())
        pool = [row["text"] for row in rows(project)]
        with LocalModel(Path(tmp) / "model.log") as model:
            calibration = asker_for(model.url, prompt, schema, args.trials + 1, 1000)
            texts = sample(pool, 3 * args.texts, 1000)
            measured = invariance(calibration, texts, 0.5, 1000).rate
            rate = measured.held / measured.observed
            calibration.client.close()
            print(f"calibration: invariance to case held in {measured.held} of "
                  f"{measured.observed} ({rate:.3f})", flush=True)  # fmt: skip
            runs = []
            for seed in range(args.seeds):
                asker = asker_for(model.url, prompt, schema, args.trials, seed)
                texts = sample(pool, args.texts, seed)
                at_rate = invariance(asker, texts, rate, seed)
                missed = invariance(asker, texts, min(rate + 0.10, 0.99), seed)  # asked already
                halfway = invariance(asker, texts, (rate + 1) / 2, seed)
                calls = list(asker.client.calls)
                asker.client.close()
                run = {
                    "seed": seed,
                    "held": at_rate.rate.held,
                    "observed": at_rate.rate.observed,
                    "at_rate": at_rate.rate.verdict,
                    "missed_by_0.10": missed.rate.verdict,
                    "missed_halfway": halfway.rate.verdict,
                    "contract_clean": contract(calls, 0.95),
                    "contract_broken_in_a_fifth": contract(
                        [broken_in_a_fifth(c) for c in calls], 0.95
                    ),
                    "calls": len(calls),
                }
                runs.append(run)
                print(run, flush=True)
    count = {key: dict(Counter(r[key] for r in runs)) for key in (
        "at_rate", "missed_by_0.10", "missed_halfway", "contract_clean",
        "contract_broken_in_a_fifth")}  # fmt: skip
    numbers = {
        "model": "SmolLM2-135M-Instruct at temperature 0.7 (sekit.llmserve)",
        "property": "invariance to case",
        "level": LEVEL,
        "calibration": {"held": measured.held, "observed": measured.observed, "rate": rate},
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
