"""The recommendation service: FastAPI on uvicorn.

    uvicorn recommender_demo.serve:app --port 8082

* ``GET /recommend/<user_id>``: up to ``K`` (20) film ids, best first, separated by commas, as
  plain text (what CMU's movie service answers); a user the model never saw gets the most
  popular films (cold start). Every answer, and every server error, is one JSON line of
  ``logs/requests.jsonl``: time, request id, user, the list, model version, HTTP status and
  latency: what ``sekit check monitor`` judges (service levels, personalisation, cold start,
  floods of requests, how concentrated the served films become).
* ``GET /health``: whether the model is loaded, and its version.

Load-test traffic (sekit sets ``SEKIT_LOAD_TEST=1``) goes to ``logs/load-test.jsonl``, marked
synthetic, never mixed with production traffic. The model is models/model.joblib, or the file
named by ``SEKIT_MODEL_PATH``.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from time import perf_counter
from typing import Any

import joblib
import pandas as pd
from fastapi import FastAPI, Request, Response
from fastapi.responses import PlainTextResponse

from recommender_demo.config import USER, model, request_log

K = int(os.environ.get("RECOMMENDATIONS", "20"))
STATE: dict[str, Any] = {}
_LOCK = threading.Lock()


def load_model() -> Any:
    loaded = joblib.load(model())
    for needed in ("recommend", "model_version_"):
        if not hasattr(loaded, needed):
            raise ValueError(f"the model has no {needed} (train it with train.py)")
    return loaded


def write(entry: dict[str, Any]) -> None:
    """Append one request to the log, in one write (readers never see half a line)."""
    path = request_log(STATE.get("load_test", False))
    line = json.dumps(entry, separators=(",", ":")) + "\n"
    with _LOCK:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(line)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    STATE["model"] = load_model()
    STATE["load_test"] = os.environ.get("SEKIT_LOAD_TEST") == "1"
    yield
    STATE.clear()


app = FastAPI(title="recommender-demo", version="0.1.0", lifespan=lifespan)


@app.middleware("http")
async def logged(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    """Log every /recommend request that was answered, or failed with a server error."""
    started, status = perf_counter(), 500
    try:
        response = await call_next(request)
        status = response.status_code
        return response
    finally:
        record = getattr(request.state, "record", None)
        if request.url.path.startswith("/recommend/") and (record is not None or status >= 500):
            entry = {
                "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds"),
                "request_id": uuid.uuid4().hex,
                **(record or {}),
                "status": status,
                "latency_ms": round((perf_counter() - started) * 1000, 2),
            }
            if STATE.get("load_test"):
                entry["synthetic"] = True
            write(entry)


@app.get("/health")
async def health() -> dict[str, Any]:
    return {"status": "ok", "model_version": STATE["model"].model_version_}


@app.get("/recommend/{user_id}", response_class=PlainTextResponse)
async def recommend(user_id: int, request: Request) -> str:
    served = STATE["model"]
    items = [int(item) for item in served.recommend(pd.DataFrame({USER: [user_id]}), K)[0]]
    request.state.record = {
        "user_id": user_id,
        "prediction": items,
        "model_version": served.model_version_,
    }
    return ",".join(map(str, items))
