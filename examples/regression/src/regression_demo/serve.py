"""The model as a service: FastAPI on uvicorn.

    uvicorn regression_demo.serve:app --port 8000

* ``GET /health``: whether the model is loaded, and its version;
* ``POST /predict``: one input (validated: a missing or out-of-range value is answered with
  422) in, the prediction, the model version and a request id out; every prediction is logged
  for monitoring (``logs/requests.jsonl``);
* ``POST /feedback``: the true progression for an earlier request id, stored for retraining.

Endpoints are ``async``: a plain ``def`` endpoint goes through a thread pool, which costs tail
latency under load. Load-test traffic (sekit sets ``SEKIT_LOAD_TEST=1``) is not logged as
production traffic.
"""

from __future__ import annotations

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

from regression_demo import feedback, monitor
from regression_demo.config import FEATURES, paths

STATE: dict[str, Any] = {}


class Features(BaseModel):
    """One input. The bounds are sekit.toml's [data.columns]: anything else is answered 422."""

    model_config = ConfigDict(extra="forbid")

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


class Feedback(BaseModel):
    request_id: str
    progression: float = Field(ge=0)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # One row per request: native thread pools only add start-up cost to each prediction.
    threadpool_limits(limits=1)
    STATE["model"] = joblib.load(paths().model)
    STATE["version"] = STATE["model"].model_version_
    STATE["log"] = os.environ.get("SEKIT_LOAD_TEST") != "1"
    yield
    STATE.clear()


app = FastAPI(title="regression-demo", version="0.1.0", lifespan=lifespan)


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok", "model_version": STATE["version"]}


@app.post("/predict")
async def predict(features: Features) -> Prediction:
    row = features.model_dump()
    frame = pd.DataFrame([row], columns=FEATURES)
    model = STATE["model"]
    request_id = uuid.uuid4().hex
    value = float(model.predict(frame)[0])
    answer = Prediction(
        request_id=request_id, progression=round(value, 2), model_version=STATE["version"]
    )
    if STATE["log"]:
        monitor.log_prediction(row, answer.model_dump())
    return answer


@app.post("/feedback", status_code=201)
async def give_feedback(item: Feedback) -> dict[str, str]:
    if not feedback.store(item.request_id, item.progression):
        raise HTTPException(status_code=404, detail="unknown request_id")
    return {"status": "stored"}
