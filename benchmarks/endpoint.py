"""The text behaviour tests against a real endpoint: their call rate beside a plain client's,
and their false alarms on the careful endpoint.

    python benchmarks/endpoint.py [--seeds 20] [--calls 600]

* **Call rate.** The careful classifier of tests/endpoints (a scikit-learn model trained on
  reviews, served by uvicorn on loopback). A plain concurrent client (httpx, 8 calls in
  flight, as sekit's default ``max_concurrency``) sends ``--calls`` distinct texts: its calls
  per second are what the endpoint can give. Then ``model.text_behaviour`` runs on the same
  endpoint: its calls per second over the whole check (generation, decisions and shrinking
  included). Target (issue 24): at least 70% of the plain client's rate.
* **False alarms.** ``model.text_behaviour`` on the careful endpoint with ``--seeds``
  different seeds (other test texts, other edits, other generated texts). Target: 0.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _record import record

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def plain_rate(url: str, texts: list[str], concurrency: int) -> float:
    """Calls per second of a plain concurrent client sending every text once."""
    import httpx

    async def main() -> None:
        gate = asyncio.Semaphore(concurrency)
        async with httpx.AsyncClient(limits=httpx.Limits(max_connections=concurrency)) as http:

            async def one(text: str) -> None:
                async with gate:
                    (await http.post(f"{url}/predict", json={"text": text})).raise_for_status()

            await asyncio.gather(*(one(t) for t in texts))

    start = time.perf_counter()
    asyncio.run(main())
    return len(texts) / (time.perf_counter() - start)


def behaviour(url: str, folder: Path, seed: int) -> dict[str, Any]:
    from sekit.checks.context import Context, RunOptions
    from sekit.checks.model.text.check import check_text_behaviour
    from sekit.config.loader import load_config
    from tests.endpoints.reviews import reviews

    with (folder / "test.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows(reviews(300, seed=1000 + seed))
    (folder / "sekit.toml").write_text(
        f'[project]\nname = "bench"\n[data]\ntest = "test.csv"\nlabel = "label"\n'
        f'[model]\nendpoint = "{url}/predict"\n'
    )
    ctx = Context(load_config(folder), RunOptions(ci=False, seed=seed))
    start = time.perf_counter()
    result = check_text_behaviour(ctx)
    seconds = time.perf_counter() - start
    ctx.close()
    return {
        "status": result.status.value,
        "failed": [f.message for f in result.findings if f.severity.value == "fail"],
        "calls": result.metrics["behaviour.calls"],
        "seconds": round(seconds, 2),
        "calls_per_s": round((result.metrics["behaviour.calls"] or 0) / seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--calls", type=int, default=600)
    args = parser.parse_args()
    from tests.endpoints.reviews import reviews

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        from tests.endpoints.serve import Endpoint

        endpoint = Endpoint("careful", folder / "endpoint.log")
        url = endpoint.url
        try:
            texts = [t for t, _ in reviews(args.calls, seed=5)]
            texts = [f"{t} ({i})" for i, t in enumerate(texts)]  # every call distinct
            plain_rate(url, texts[:50], 8)  # warm up
            plain = plain_rate(url, texts, 8)
            runs = [behaviour(url, folder, seed) for seed in range(args.seeds)]
        finally:
            endpoint.stop()
    rates = [r["calls_per_s"] for r in runs]
    median = sorted(rates)[len(rates) // 2]
    numbers = {
        "plain_client_calls_per_s": round(plain, 1),
        "behaviour_calls_per_s_median": median,
        "ratio": round(median / plain, 2),
        "target_ratio": 0.7,
        "false_alarms": sum(r["status"] != "pass" for r in runs),
        "seeds": args.seeds,
        "runs": runs,
    }
    path = record("endpoint", numbers)
    print(
        f"plain client {plain:.0f} calls/s; text behaviour median {median:.0f} calls/s "
        f"({median / plain:.0%}); false alarms {numbers['false_alarms']} of {args.seeds} "
        f"-> {path.name}"
    )
    for run in runs:
        if run["failed"]:
            print("  ", run["failed"])


if __name__ == "__main__":
    main()
