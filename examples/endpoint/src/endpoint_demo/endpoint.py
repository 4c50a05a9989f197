"""The offline stand-in of the given endpoint: VADER (Hutto and Gilbert, 2014), a sentiment
model made of a lexicon of human ratings and rules, which ships inside the vaderSentiment
wheel, served on loopback.

``POST /predict {"text": ...}`` answers ``{"label": "positive" | "negative" | "neutral",
"score": compound, "model": ...}``; ``GET /health``. Replace it by the course's endpoint:
only ``[model].endpoint`` in sekit.toml and ``--url`` / ``ENDPOINT_URL`` change. A body over
64 KiB is answered 413 before it is read (a text is at most 5,000 characters).

    python -m endpoint_demo.endpoint --port 8000
"""

from __future__ import annotations

import argparse
from importlib.metadata import version
from typing import Any

from fastapi import FastAPI, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

MODEL = f"vader {version('vaderSentiment')}"
MAX_BODY_BYTES = 64 * 1024
app = FastAPI(title="Review sentiment (offline stand-in)")
analyzer = SentimentIntensityAnalyzer()


class LimitBody:
    """ASGI middleware: 413 for a body over ``MAX_BODY_BYTES``, never read into memory (a body
    without a length is read up to the limit)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            await self.refuse(scope, receive, send)
            return
        if length is not None:
            await self.app(scope, receive, send)
            return
        messages, size = [], 0
        while True:
            message = await receive()
            messages.append(message)
            size += len(message.get("body", b""))
            if size > MAX_BODY_BYTES:
                await self.refuse(scope, receive, send)
                return
            if message["type"] != "http.request" or not message.get("more_body"):
                break

        async def replay() -> dict[str, Any]:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def refuse(scope: dict[str, Any], receive: Any, send: Any) -> None:
        detail = {"detail": f"the request body is larger than {MAX_BODY_BYTES} bytes"}
        await JSONResponse(detail, status_code=413)(scope, receive, send)


app.add_middleware(LimitBody)


class Request(BaseModel):
    text: str = Field(max_length=5000)


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok", "model": MODEL}


@app.post("/predict")
def predict(request: Request) -> dict[str, object]:
    if not request.text.strip():
        raise HTTPException(422, "the text is empty")
    score = analyzer.polarity_scores(request.text)["compound"]
    label = "positive" if score >= 0.05 else "negative" if score <= -0.05 else "neutral"
    return {"label": label, "score": score, "model": MODEL}


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description="the offline stand-in of the endpoint")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
