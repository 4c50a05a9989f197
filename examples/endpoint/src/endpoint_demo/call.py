"""Call: every request to the given endpoint, carefully.

- **Retries** for 429, 5xx and time-outs, waiting as the endpoint's ``Retry-After`` says, else
  backing off exponentially with jitter (``params.toml``: retries, backoff, max_wait).
- **A fallback**, marked ``"fallback": true``, when the endpoint never answered: the pipeline
  goes on, and the output says which answers are not the model's.
- **A cache** of answers by input hash (``data/cache/``): a text asked before is not asked
  again (money, rate limits, and the same answer next time).
- **Secrets** from the environment only: ``ENDPOINT_TOKEN`` becomes the Authorization header.

Without ``--url`` (or ``ENDPOINT_URL``) it starts the offline stand-in of the endpoint
(``endpoint_demo.endpoint``) on a free loopback port for the stage, and stops it after.

    python -m endpoint_demo.call [--url URL] [--output FILE] [--limit N] [--no-cache]
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

from endpoint_demo.config import ANSWERS, CACHE, REQUESTS, params

RETRIED = {429, 500, 502, 503, 504}


def wait_before(attempt: int, response: httpx.Response | None, settings: dict[str, Any]) -> float:
    """Seconds to wait before retry number ``attempt`` (1, 2, ...)."""
    if response is not None and "Retry-After" in response.headers:
        with contextlib.suppress(ValueError):
            return min(float(response.headers["Retry-After"]), settings["max_wait"])
    exponential = settings["backoff"] * 2 ** (attempt - 1)
    return min(exponential * random.uniform(1.0, 1.5), settings["max_wait"])


def ask(http: httpx.Client, url: str, text: str, settings: dict[str, Any]) -> dict[str, Any]:
    """The endpoint's answer to one text, after retries; the fallback when there is none."""
    for attempt in range(int(settings["retries"]) + 1):
        response = None
        try:
            response = http.post(url, json={"text": text}, timeout=settings["timeout"])
            if response.status_code == 200:
                return {"label": response.json()["label"], "fallback": False}
            if response.status_code not in RETRIED:
                break  # the endpoint refused this input: retrying will not help
        except (httpx.TimeoutException, httpx.TransportError):
            pass
        if attempt < int(settings["retries"]):
            time.sleep(wait_before(attempt + 1, response, settings))
    return {"label": settings["fallback"], "fallback": True}


class Cache:
    """Answers by input hash, one JSON object per line (appended; the last line wins)."""

    def __init__(self, folder: Path, enabled: bool) -> None:
        self.path = folder / "answers.jsonl"
        self.enabled = enabled
        self.known: dict[str, dict[str, Any]] = {}
        if enabled and self.path.is_file():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                item = json.loads(line)
                self.known[item["input_hash"]] = item["answer"]

    def add(self, key: str, answer: dict[str, Any]) -> None:
        if self.enabled and not answer["fallback"]:  # a fallback is asked again next time
            self.known[key] = answer
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps({"input_hash": key, "answer": answer}) + "\n")


@contextlib.contextmanager
def stand_in() -> Iterator[str]:
    """The offline endpoint on a free loopback port, for as long as the stage runs."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "endpoint_demo.endpoint", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            time.sleep(0.2)
        else:
            raise RuntimeError("the offline endpoint did not start")
        yield f"{url}/predict"
    finally:
        process.terminate()
        process.wait(timeout=10)


def run(url: str, output: Path, limit: int | None, use_cache: bool) -> dict[str, int]:
    settings = params("call")
    requests = [json.loads(line) for line in REQUESTS.read_text(encoding="utf-8").splitlines()]
    requests = requests[:limit] if limit else requests
    cache = Cache(CACHE, use_cache)
    headers = {}
    if os.environ.get("ENDPOINT_TOKEN"):
        headers["Authorization"] = f"Bearer {os.environ['ENDPOINT_TOKEN']}"
    todo = [r for r in requests if r["input_hash"] not in cache.known]
    with httpx.Client(headers=headers) as http, ThreadPoolExecutor(settings["concurrency"]) as pool:
        answers = list(pool.map(lambda r: ask(http, url, r["text"], settings), todo))
    for request, answer in zip(todo, answers, strict=True):
        cache.add(request["input_hash"], answer)
    fresh = {r["input_hash"]: a for r, a in zip(todo, answers, strict=True)}
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8") as handle:
        for request in requests:
            key = request["input_hash"]
            answer = fresh.get(key) or cache.known[key]
            handle.write(json.dumps({"id": request["id"], **answer}) + "\n")
    return {
        "answers": len(requests),
        "asked": len(todo),
        "fallbacks": sum(a["fallback"] for a in answers),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("ENDPOINT_URL"))
    parser.add_argument("--output", type=Path, default=ANSWERS)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--no-cache", action="store_true")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        url = args.url or stack.enter_context(stand_in())
        done = run(url, args.output, args.limit, not args.no_cache)
    print(
        f"{done['answers']} answers ({done['asked']} asked, the rest from the cache), "
        f"{done['fallbacks']} fallbacks"
    )


if __name__ == "__main__":
    main()
