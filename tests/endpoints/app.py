"""Three real text classifiers behind real HTTP endpoints, for the endpoint tests: each trains
a scikit-learn model on the reviews of :mod:`tests.endpoints.reviews` when it starts, and
answers ``POST /predict {"text": ...}`` with ``{"label": ...}``.

- ``careful``: character n-grams of the text with names masked, lower-cased, without
  punctuation and with single spaces (names, case, whitespace, punctuation and most typos do
  not matter), any Unicode;
- ``sensitive``: words as written, punctuation attached (``Great`` and ``great.`` are other
  words than ``great``): case- and punctuation-sensitive;
- ``ascii_only``: the careful model, but its text handling encodes to ASCII and fails with a
  500 on anything else.

Run one: ``uvicorn --factory tests.endpoints.app:careful --port 8000``.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

from fastapi import FastAPI, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from sekit.checks.model.text.perturb import PEOPLE, PLACES
from tests.endpoints.reviews import reviews


class Request(BaseModel):
    text: str


class Message(BaseModel):
    role: str
    content: str


class Chat(BaseModel):
    model: str
    messages: list[Message]
    temperature: float = 1.0


def _plain(text: str) -> str:
    """What a careful team feeds its model: names masked (people and places must not change an
    answer), lower case, letters and digits only, single spaces, so that case, punctuation and
    spacing cannot change it either."""
    words = ["name" if w.strip(".,!?;:").lower() in GAZETTEER else w for w in text.split()]
    return " ".join(re.sub(r"[^\w\s]", " ", " ".join(words).lower()).split())


# The team's list of names and places to mask. It covers the names sekit swaps in, so that
# this model really is invariant to names: an invariance test of a deterministic model cannot
# raise a false alarm (a changed answer is a fact); what the benchmark measures on this model
# is the tests with a tolerance (typos) and everything that is not invariance.
GAZETTEER = {
    n.lower()
    for n in (
        *PEOPLE,
        *PLACES,
        *("Alice", "Ahmed", "Bruno", "Chen", "Dmitri", "Elena", "Giulia", "Hiro", "Ivan"),
        *("Jamal", "Keiko", "Leila", "Mateo", "Nadia", "Pablo", "Rania", "Sven", "Tomas"),
    )
}


def _model(kind: str) -> Pipeline:
    if kind == "sensitive":
        vectors = TfidfVectorizer(lowercase=False, token_pattern=r"\S+")
    else:
        vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), preprocessor=_plain)
    data = reviews(2000, seed=11)
    model = Pipeline([("vectors", vectors), ("classify", LogisticRegression(C=10, max_iter=2000))])
    return model.fit([t for t, _ in data], [label for _, label in data])


def make(kind: str) -> FastAPI:
    app = FastAPI(title=f"{kind} review classifier")
    model = _model("sensitive" if kind == "sensitive" else "careful")
    served = {"calls": 0}

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "kind": kind, "pid": os.getpid(), "calls": served["calls"]}

    @app.post("/v1/chat/completions")
    def chat(request: Chat) -> Any:
        """The same model behind OpenAI's chat completions: the review is the prompt's last
        paragraph; the answer is JSON when the prompt asks for JSON, else one word; usage
        counts words as tokens."""
        served["calls"] += 1
        prompt = request.messages[-1].content
        review = prompt.rsplit("\n\n", 1)[-1]
        label = str(model.predict([review])[0])
        content = json.dumps({"sentiment": label}) if "JSON" in prompt else label
        usage = {"prompt_tokens": len(prompt.split()), "completion_tokens": len(content.split())}
        message = {"role": "assistant", "content": content}
        return {"model": request.model, "choices": [{"message": message}], "usage": usage}

    @app.post("/predict")
    def predict(request: Request) -> Any:
        served["calls"] += 1
        text = request.text
        if kind == "ascii_only":
            text = text.encode("ascii").decode()  # UnicodeEncodeError: a 500
        if not text.strip():
            raise HTTPException(422, "empty text")
        return JSONResponse({"label": str(model.predict([text])[0])})

    return app


def careful() -> FastAPI:
    return make("careful")


def sensitive() -> FastAPI:
    return make("sensitive")


def ascii_only() -> FastAPI:
    return make("ascii_only")
