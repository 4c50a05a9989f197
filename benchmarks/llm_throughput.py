"""The behaviour engine's call rate against the real local chat model, beside a plain
concurrent client's on the same server.

    nice -n 10 python benchmarks/llm_throughput.py [--calls 96] [--rounds 3]

The local model (``python -m sekit.llmserve``, SmolLM2-135M-Instruct, 2 requests decoded at
once) answers the llm template's requests (its prompt with the guard, temperature 0.7,
``max_tokens`` 12). Each round sends the same ``--calls`` requests twice, in turn:

* **plain**: httpx's async client, 4 requests in flight (the template's ``max_concurrency``);
* **engine**: sekit's text behaviour engine (:class:`~sekit.checks.model.text.engine.Asker`
  over :class:`~sekit.endpoint.client.Client`), asking the same reviews as trials, as the
  properties do.

Every request of a round has its own seed (the round's), so no answer comes from a cache. The
rounds alternate which goes first, so a machine that gets busier during the run does not
favour one. Target (issue 33): the engine reaches at least 70% of the plain client's rate.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _llm import ROOT, rows, template_project
from _record import record

sys.path.insert(0, str(ROOT))
CONCURRENCY = 4


def plain_rate(url: str, bodies: list[dict[str, Any]]) -> float:
    import httpx

    async def main() -> None:
        gate = asyncio.Semaphore(CONCURRENCY)
        limits = httpx.Limits(max_connections=CONCURRENCY)
        async with httpx.AsyncClient(limits=limits, timeout=300) as http:

            async def one(body: dict[str, Any]) -> None:
                async with gate:
                    answer = await http.post(f"{url}/v1/chat/completions", json=body)
                    answer.raise_for_status()

            await asyncio.gather(*(one(b) for b in bodies))

    start = time.perf_counter()
    asyncio.run(main())
    return len(bodies) / (time.perf_counter() - start)


def protocol_of(prompt: Any, seed: int) -> Any:
    """The template's requests: its prompt, temperature 0.7, at most 12 tokens."""
    from sekit.endpoint.answers import Protocol

    return Protocol("openai", "text", "label", llm="SmolLM2-135M-Instruct", prompt=prompt,
                    temperature=0.7, max_tokens=12, seed=seed)  # fmt: skip


def engine_rate(url: str, prompt: Any, texts: list[str], trials: int, seed: int) -> float:
    from sekit.checks.model.text.engine import Asker
    from sekit.endpoint.client import Client

    protocol = protocol_of(prompt, seed)
    client = Client(f"{url}/v1/chat/completions", protocol, max_concurrency=CONCURRENCY,
                    timeout=300)  # fmt: skip
    asker = Asker(client, ("positive", "negative"), trials)
    start = time.perf_counter()
    answered = asker.trials(texts, "throughput")
    seconds = time.perf_counter() - start
    client.close()
    assert all(call.status == 200 for calls in answered for call in calls)
    return sum(len(calls) for calls in answered) / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=96)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    from sekit.endpoint.prompt import Prompt
    from tests.endpoints.llm import LocalModel

    trials = 3
    with tempfile.TemporaryDirectory() as tmp:
        project = template_project(Path(tmp), reviews=args.calls // trials)
        prompt = Prompt.read(project / "prompts" / "sentiment.toml")
        texts = [row["text"] for row in rows(project)][: args.calls // trials]
        with LocalModel(Path(tmp) / "model.log") as model:
            rounds = []
            for number in range(args.rounds):
                seed = 100 + number
                protocol = protocol_of(prompt, seed)
                bodies = [protocol.text_body(t, trial=k) for t in texts for k in range(trials)]
                if number % 2 == 0:
                    plain = plain_rate(model.url, bodies)
                    engine = engine_rate(model.url, prompt, texts, trials, seed + 50)
                else:
                    engine = engine_rate(model.url, prompt, texts, trials, seed + 50)
                    plain = plain_rate(model.url, bodies)
                rounds.append({"plain_calls_per_s": round(plain, 2),
                               "engine_calls_per_s": round(engine, 2),
                               "ratio": round(engine / plain, 3)})  # fmt: skip
                print(rounds[-1], flush=True)
    ratio = statistics.median(r["ratio"] for r in rounds)
    numbers = {
        "model": "SmolLM2-135M-Instruct (sekit.llmserve, 1 thread, 2 parallel)",
        "calls_per_round": len(texts) * trials,
        "concurrency": CONCURRENCY,
        "rounds": rounds,
        "ratio_median": ratio,
        "target_ratio": 0.7,
    }
    path = record("llm_throughput", numbers)
    print(f"engine / plain client: median {ratio:.0%} over {args.rounds} rounds -> {path.name}")


if __name__ == "__main__":
    main()
