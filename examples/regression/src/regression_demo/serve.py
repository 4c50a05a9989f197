"""The model as a service: FastAPI on uvicorn.

    uvicorn regression_demo.serve:app --port 8000

* ``GET /health``: whether the model is loaded, and its version;
* ``POST /predict``: one input (validated: a missing or out-of-range value is answered with
  422) in, the prediction, the model version and a request id out; every prediction is logged
  for monitoring (``logs/requests.jsonl``);
* ``POST /feedback``: the true progression for an earlier request id, stored for retraining
  (app.py, the page people use, sends it when a user confirms or corrects an answer);
* ``GET /metrics``: counters and histograms for Prometheus (metrics.py; monitoring/ holds the
  scrape config, the alert rules and a Grafana dashboard).

What it accepts is limited in limits.py: a body over 64 KiB is answered 413 unread, ``NaN``
or ``Infinity`` in a number and any other invalid input 422 with what was wrong, never 500.

Endpoints are ``async``: a plain ``def`` endpoint goes through a thread pool, which costs tail
latency under load. A middleware times every request for Prometheus (``/metrics``) and logs
each answered ``/predict`` request, and each server error, with its HTTP status and latency
(``logs/requests.jsonl``): what ``sekit check monitor`` judges hour by hour. Rejected inputs
(422) are counted, not logged. Load-test traffic (sekit sets ``SEKIT_LOAD_TEST=1``) goes to
``logs/load-test.jsonl``, marked synthetic, so that it never counts as production traffic. The
model is models/model.joblib, or the file named by the environment variable
``SEKIT_MODEL_PATH`` (how a release check starts the deployed and the new model side by side,
and how ``sekit check load --fault`` hands it a broken one).

**Fallback.** When the model raises, or takes longer than its budget (``MODEL_BUDGET_MS``,
default 100 ms, half the p95 bound of sekit.toml), the answer is the rule that training
stored with the model (``fallback_``: the median training label), marked
``"fallback": true``, logged as a warning and counted (``/health``). A wrong-but-safe
answer in time beats an error: the caller decides what a fallback answer may be used for.

**Switching models without downtime** (what ``sekit retrain`` does after a promotion).
``POST /admin/reload`` with ``{"model": "models:/<name>@champion"}`` (a registry alias or
version, see release.py) or ``{"model": "models/<file>.joblib"}`` loads the new model beside
the serving one and then swaps it in one step: requests in flight finish with the model they
started with, no request fails. The endpoint exists only when the environment variable
``ADMIN_TOKEN`` is set, and answers only requests that send it in the ``X-Admin-Token``
header (loading a model runs its code).
``GET /admin/feedback`` (same token) hands the labelled feedback to the retraining workflow.

Nothing slow runs on the event loop: ``/feedback`` looks the request up in an index of the log
that reads only the lines added since its last look (monitor.py), in a thread, so ``/health``
and ``/predict`` answer meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from time import perf_counter
from typing import Any, Literal

import joblib
import pandas as pd
from fastapi import FastAPI, Header, HTTPException, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, ConfigDict, Field
from threadpoolctl import threadpool_limits

from regression_demo import feedback, limits, metrics, monitor
from regression_demo.config import FEATURES, mlflow_uri, paths

STATE: dict[str, Any] = {}
BUDGET_S = float(os.environ.get("MODEL_BUDGET_MS", "100")) / 1000
log = logging.getLogger(__name__)


class Features(BaseModel):
    """One input. The bounds are sekit.toml's [data.columns]: anything else is answered 422."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    age: int = Field(ge=4, le=109)
    sex: int = Field(ge=1, le=2)
    bmi: float = Field(ge=11.9, le=54.3)
    bp: float = Field(ge=44.2, le=169.0)
    s1: int = Field(ge=46, le=403)
    s2: float = Field(ge=0.0, le=343.0)
    s3: float = Field(ge=2.75, le=138.0)
    s4: float = Field(ge=0.227, le=12.7)
    s5: float = Field(ge=2.54, le=7.54)
    s6: int = Field(ge=41, le=157)
    clinic: Literal["north", "south", "west"]


class Prediction(BaseModel):
    request_id: str
    progression: float
    model_version: str
    fallback: bool = False


class Feedback(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)

    request_id: str = Field(min_length=1, max_length=100)
    progression: float = Field(ge=0)


class Reload(BaseModel):
    model: str = Field(description="models:/<name>@<alias>, or a joblib file in models/")


def load_model(where: str) -> Any:
    """A model from the registry (``models:/...``) or a joblib file; it must carry the version
    and the fallback rule that training stores with it."""
    if where.startswith("models:/"):
        os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
        import mlflow

        mlflow.set_tracking_uri(mlflow_uri())
        model = mlflow.sklearn.load_model(where)
    else:
        model = joblib.load(where)
    for needed in ("predict", "model_version_", "fallback_"):
        if not hasattr(model, needed):
            raise ValueError(f"the model has no {needed} (train it with train.py)")
    return model


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # One row per request: native thread pools only add start-up cost to each prediction.
    threadpool_limits(limits=1)
    # The model carries its version and its fallback rule: a request reads STATE["model"] once,
    # so a reload in the middle of it cannot mix two models.
    STATE["model"] = load_model(os.environ.get("SEKIT_MODEL_PATH") or str(paths().model))
    STATE["fallbacks"] = 0
    STATE["load_test"] = os.environ.get("SEKIT_LOAD_TEST") == "1"
    metrics.serving(STATE["model"].model_version_)
    # the index of served requests (/feedback), read in the background, not on the first call
    STATE["indexing"] = asyncio.get_running_loop().run_in_executor(None, monitor.ANSWERS.warm)
    yield
    STATE.clear()


app = FastAPI(title="regression-demo", version="0.1.0", lifespan=lifespan)
limits.install(app)


@app.middleware("http")
async def measured(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Count and time every request for Prometheus; log every /predict request."""
    if request.url.path == "/metrics":
        return await call_next(request)
    started, status = perf_counter(), 500
    try:
        response = await call_next(request)
        status = response.status_code
        return response
    finally:
        seconds = perf_counter() - started
        metrics.observe(request.url.path, request.method, status, seconds)
        record = getattr(request.state, "record", None)
        if request.url.path == "/predict" and (record is not None or status >= 500):
            done = {**(record or {}), "status": status, "latency_ms": round(seconds * 1000, 2)}
            if STATE.get("load_test"):
                done["synthetic"] = True  # replayed payloads: no evidence about drift
            monitor.write(done, load_test=STATE.get("load_test", False))


@app.get("/metrics", include_in_schema=False)
async def prometheus_metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


@app.get("/health")
async def health() -> dict[str, Any]:
    return {
        "status": "ok",
        "model_version": STATE["model"].model_version_,
        "fallbacks": STATE["fallbacks"],
    }


def answer_of(model: Any, frame: pd.DataFrame) -> dict[str, Any]:
    return {"progression": round(float(model.predict(frame)[0]), 2)}


@app.post("/predict")
async def predict(features: Features, request: Request) -> Prediction:
    row = features.model_dump()
    frame = pd.DataFrame([row], columns=FEATURES)
    model = STATE["model"]
    STATE["last_row"] = row
    request_id = uuid.uuid4().hex
    try:  # in a thread, so that a slow model cannot hold up the answer beyond its budget
        values = await asyncio.wait_for(asyncio.to_thread(answer_of, model, frame), BUDGET_S)
        fallback = False
    except Exception as exc:  # the model raised, or missed its budget (TimeoutError)
        values, fallback = dict(model.fallback_), True
        STATE["fallbacks"] += 1
        log.warning("fallback answer for %s: %s", request_id, type(exc).__name__)
    answer = Prediction(
        request_id=request_id, **values, model_version=model.model_version_, fallback=fallback
    )
    metrics.predicted(values, answer.fallback)
    # the app's user and experiment arm (headers X-User-Id, X-Arm), logged for
    # `sekit check experiment`
    headers = (("user_id", "x-user-id"), ("arm", "x-arm"))
    seen = {key: request.headers[name] for key, name in headers if name in request.headers}
    request.state.record = {**monitor.record(row, answer.model_dump()), **seen}
    return answer


@app.post("/feedback", status_code=201)
async def give_feedback(item: Feedback) -> dict[str, str]:
    # in a thread: the look-up reads the log, the store writes SQLite
    served = await asyncio.to_thread(feedback.store, item.request_id, item.progression)
    if served is None:
        raise HTTPException(status_code=404, detail="unknown request_id")
    metrics.feedback(served, item.progression)
    return {"status": "stored"}


def admin(sent: str) -> None:
    """Admin endpoints answer only when ADMIN_TOKEN is set, and only to requests that send it."""
    token = os.environ.get("ADMIN_TOKEN")
    if not token:
        raise HTTPException(status_code=404, detail="admin endpoints are off (set ADMIN_TOKEN)")
    # as bytes: compare_digest refuses str with characters beyond ASCII (a 500); a header's
    # bytes arrive decoded as Latin-1
    if not secrets.compare_digest(sent.encode("latin-1"), token.encode("utf-8")):
        raise HTTPException(status_code=403, detail="wrong or missing X-Admin-Token")


@app.get("/admin/feedback")
async def labelled_feedback(x_admin_token: str = Header("")) -> Response:
    """The served inputs that received a true label, as CSV: what the retraining workflow
    pulls from the deployed service (feedback.py ``--from URL``)."""
    admin(x_admin_token)
    rows = await asyncio.to_thread(feedback.labelled)
    return Response(rows.to_csv(index=False), media_type="text/csv")


@app.post("/admin/reload")
async def reload(item: Reload, x_admin_token: str = Header("")) -> dict[str, str]:
    admin(x_admin_token)
    where = item.model
    if not where.startswith("models:/"):
        folder = paths().model.parent.resolve()
        if not (paths().root / where).resolve().is_relative_to(folder):
            raise HTTPException(status_code=422, detail=f"only files in {folder.name}/ are loaded")
        where = str(paths().root / where)
    try:  # beside the serving model, in a thread: predictions go on meanwhile
        model = await asyncio.to_thread(load_model, where)
        if "last_row" in STATE:  # the new model must answer the last input served
            frame = pd.DataFrame([STATE["last_row"]], columns=FEATURES)
            await asyncio.to_thread(answer_of, model, frame)
    except Exception as exc:
        raise HTTPException(status_code=422, detail=f"cannot serve {item.model}: {exc}") from None
    previous = STATE["model"].model_version_
    STATE["model"] = model  # one assignment: the swap
    metrics.serving(model.model_version_)
    log.warning("model reloaded: %s -> %s (%s)", previous, model.model_version_, item.model)
    return {"previous": previous, "model_version": model.model_version_}
