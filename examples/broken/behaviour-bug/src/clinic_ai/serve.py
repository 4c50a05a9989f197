"""The model as a service: FastAPI on uvicorn.

    uvicorn clinic_ai.serve:app --port 8000

* ``GET /health``: whether the model is loaded, and its version;
* ``POST /predict``: one input (validated: a missing or out-of-range value is answered with
  422) in, the prediction, the model version and a request id out; every prediction is logged
  for monitoring (``logs/requests.jsonl``);
* ``POST /feedback``: the true diagnosis for an earlier request id, stored for retraining.

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

from clinic_ai import feedback, monitor
from clinic_ai.config import FEATURES, paths

STATE: dict[str, Any] = {}


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


class Feedback(BaseModel):
    request_id: str
    diagnosis: Literal["malignant", "benign"]


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # One row per request: native thread pools only add start-up cost to each prediction.
    threadpool_limits(limits=1)
    STATE["model"] = joblib.load(paths().model)
    STATE["version"] = STATE["model"].model_version_
    STATE["log"] = os.environ.get("SEKIT_LOAD_TEST") != "1"
    yield
    STATE.clear()


app = FastAPI(title="clinic-ai", version="0.1.0", lifespan=lifespan)


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok", "model_version": STATE["version"]}


@app.post("/predict")
async def predict(features: Features) -> Prediction:
    row = features.model_dump()
    frame = pd.DataFrame([row], columns=FEATURES)
    model = STATE["model"]
    request_id = uuid.uuid4().hex
    proba = model.predict_proba(frame)[0]
    best = int(proba.argmax())
    answer = Prediction(
        request_id=request_id,
        diagnosis=str(model.classes_[best]),
        probability=round(float(proba[best]), 4),
        model_version=STATE["version"],
    )
    if STATE["log"]:
        monitor.log_prediction(row, answer.model_dump())
    return answer


@app.post("/feedback", status_code=201)
async def give_feedback(item: Feedback) -> dict[str, str]:
    if not feedback.store(item.request_id, item.diagnosis):
        raise HTTPException(status_code=404, detail="unknown request_id")
    return {"status": "stored"}
