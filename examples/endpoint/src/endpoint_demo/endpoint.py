"""The offline stand-in of the given endpoint: VADER (Hutto and Gilbert, 2014), a sentiment
model made of a lexicon of human ratings and rules, which ships inside the vaderSentiment
wheel, served on loopback.

``POST /predict {"text": ...}`` answers ``{"label": "positive" | "negative" | "neutral",
"score": compound, "model": ...}``; ``GET /health``. Replace it by the course's endpoint:
only ``[model].endpoint`` in sekit.toml and ``--url`` / ``ENDPOINT_URL`` change.

    python -m endpoint_demo.endpoint --port 8000
"""

from __future__ import annotations

import argparse
from importlib.metadata import version

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

MODEL = f"vader {version('vaderSentiment')}"
app = FastAPI(title="Review sentiment (offline stand-in)")
analyzer = SentimentIntensityAnalyzer()


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
