"""The benchmark's model service: FastAPI on uvicorn, an async endpoint, a 100-tree forest.

uvicorn _service:app --port 8000    (run from benchmarks/)
"""

from __future__ import annotations

from typing import Any

import numpy as np
from fastapi import FastAPI
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier

_data = load_breast_cancer()
_model = RandomForestClassifier(n_estimators=100, random_state=0).fit(_data.data, _data.target)
app = FastAPI()


@app.get("/health")
async def health() -> dict[str, bool]:
    return {"ok": True}


@app.post("/predict")
async def predict(body: dict[str, Any]) -> dict[str, float]:
    row = np.asarray(body["features"], dtype=float).reshape(1, -1)
    return {"probability": float(_model.predict_proba(row)[0, 1])}
