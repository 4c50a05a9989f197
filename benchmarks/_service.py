"""The benchmark's services (run from benchmarks/).

uvicorn _service:app --port 8000     FastAPI, an async endpoint, a 100-tree forest
uvicorn _service:ping --port 8001    a bare ASGI answer, to measure load generators
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


async def ping(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The cheapest possible HTTP answer: what limits the rate is the load generator."""
    if scope["type"] != "http":
        return
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": b'{"ok":true}'})


@app.post("/predict")
async def predict(body: dict[str, Any]) -> dict[str, float]:
    row = np.asarray(body["features"], dtype=float).reshape(1, -1)
    return {"probability": float(_model.predict_proba(row)[0, 1])}
