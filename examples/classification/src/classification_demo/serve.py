"""The model as a service: FastAPI on uvicorn.

    uvicorn classification_demo.serve:app --port 8000

* ``GET /health``: whether the model is loaded, and its version;
* ``POST /predict``: one input (validated: a missing or out-of-range value is answered with
  422) in, the prediction, the model version and a request id out; every prediction is logged
  for monitoring (``logs/requests.jsonl``);
* ``POST /feedback``: the true diagnosis for an earlier request id, stored for retraining.

Endpoints are ``async``: a plain ``def`` endpoint goes through a thread pool, which costs tail
latency under load. Load-test traffic (sekit sets ``SEKIT_LOAD_TEST=1``) is not logged as
production traffic. The model is models/model.joblib, or the file named by the environment
variable ``SEKIT_MODEL_PATH`` (how a release check starts the deployed and the new model side
by side, and how ``sekit check load --fault`` hands it a broken one).

**Fallback.** When the model raises, or takes longer than its budget (``MODEL_BUDGET_MS``,
default 100 ms, half the p95 bound of sekit.toml), the answer is the rule that training
stored with the model (``fallback_``: the most frequent class with its share), marked
``"fallback": true``, logged as a warning and counted (``/health``). A wrong-but-safe
answer in time beats an error: the caller decides what a fallback answer may be used for.
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Literal

import joblib
import pandas as pd
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, ConfigDict, Field
from threadpoolctl import threadpool_limits

from classification_demo import feedback, monitor
from classification_demo.config import FEATURES, paths

STATE: dict[str, Any] = {}
BUDGET_S = float(os.environ.get("MODEL_BUDGET_MS", "100")) / 1000
log = logging.getLogger(__name__)


class Features(BaseModel):
    """One input. The bounds are sekit.toml's [data.columns]: anything else is answered 422."""

    model_config = ConfigDict(extra="forbid")

    mean_radius: float = Field(ge=1.69, le=38.7)
    mean_texture: float = Field(ge=2.31, le=54.1)
    mean_perimeter: float = Field(ge=7.61, le=261.0)
    mean_area: float = Field(ge=0.0, le=3680.0)
    mean_smoothness: float = Field(ge=0.0249, le=0.219)
    mean_compactness: float = Field(ge=0.0, le=0.509)
    mean_concavity: float = Field(ge=0.0, le=0.641)
    mean_concave_points: float = Field(ge=0.0, le=0.302)
    mean_symmetry: float = Field(ge=0.0564, le=0.403)
    mean_fractal_dimension: float = Field(ge=0.038, le=0.122)
    radius_error: float = Field(ge=0.0, le=4.26)
    texture_error: float = Field(ge=0.0, le=7.15)
    perimeter_error: float = Field(ge=0.0, le=32.6)
    area_error: float = Field(ge=0.0, le=810.0)
    smoothness_error: float = Field(ge=0.0, le=0.0459)
    compactness_error: float = Field(ge=0.0, le=0.202)
    concavity_error: float = Field(ge=0.0, le=0.595)
    concave_points_error: float = Field(ge=0.0, le=0.0792)
    symmetry_error: float = Field(ge=0.0, le=0.115)
    fractal_dimension_error: float = Field(ge=0.0, le=0.0444)
    worst_radius: float = Field(ge=0.902, le=50.1)
    worst_texture: float = Field(ge=2.64, le=68.3)
    worst_perimeter: float = Field(ge=0.212, le=352.0)
    worst_area: float = Field(ge=0.0, le=6290.0)
    worst_smoothness: float = Field(ge=0.0333, le=0.299)
    worst_compactness: float = Field(ge=0.0, le=1.58)
    worst_concavity: float = Field(ge=0.0, le=1.88)
    worst_concave_points: float = Field(ge=0.0, le=0.437)
    worst_symmetry: float = Field(ge=0.0296, le=0.918)
    worst_fractal_dimension: float = Field(ge=0.0169, le=0.284)
    clinic: Literal["north", "south", "west"]


class Prediction(BaseModel):
    request_id: str
    diagnosis: str
    probability: float
    model_version: str
    fallback: bool = False


class Feedback(BaseModel):
    request_id: str
    diagnosis: Literal["malignant", "benign"]


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # One row per request: native thread pools only add start-up cost to each prediction.
    threadpool_limits(limits=1)
    STATE["model"] = joblib.load(os.environ.get("SEKIT_MODEL_PATH") or paths().model)
    STATE["version"] = STATE["model"].model_version_
    STATE["fallback"] = STATE["model"].fallback_
    STATE["fallbacks"] = 0
    STATE["log"] = os.environ.get("SEKIT_LOAD_TEST") != "1"
    yield
    STATE.clear()


app = FastAPI(title="classification-demo", version="0.1.0", lifespan=lifespan)


@app.get("/health")
async def health() -> dict[str, Any]:
    return {"status": "ok", "model_version": STATE["version"], "fallbacks": STATE["fallbacks"]}


def answer_of(model: Any, frame: pd.DataFrame) -> dict[str, Any]:
    proba = model.predict_proba(frame)[0]
    best = int(proba.argmax())
    return {
        "diagnosis": str(model.classes_[best]),
        "probability": round(float(proba[best]), 4),
    }


@app.post("/predict")
async def predict(features: Features) -> Prediction:
    row = features.model_dump()
    frame = pd.DataFrame([row], columns=FEATURES)
    model = STATE["model"]
    request_id = uuid.uuid4().hex
    try:  # in a thread, so that a slow model cannot hold up the answer beyond its budget
        values = await asyncio.wait_for(asyncio.to_thread(answer_of, model, frame), BUDGET_S)
        fallback = False
    except Exception as exc:  # the model raised, or missed its budget (TimeoutError)
        values, fallback = dict(STATE["fallback"]), True
        STATE["fallbacks"] += 1
        log.warning("fallback answer for %s: %s", request_id, type(exc).__name__)
    answer = Prediction(
        request_id=request_id, **values, model_version=STATE["version"], fallback=fallback
    )
    if STATE["log"]:
        monitor.log_prediction(row, answer.model_dump())
    return answer


@app.post("/feedback", status_code=201)
async def give_feedback(item: Feedback) -> dict[str, str]:
    if not feedback.store(item.request_id, item.diagnosis):
        raise HTTPException(status_code=404, detail="unknown request_id")
    return {"status": "stored"}
