"""The application people use: a web page that asks the model service and takes feedback.

    uvicorn regression_demo.app:app --port 8080
    # the model service answers on MODEL_URL (default http://127.0.0.1:8000)

It is its own component: it talks to the model service over HTTP only, as any client would.

* ``GET /``: a form with the inputs;
* ``POST /ask``: the service's answer, with the model version that gave it and the request id,
  and two ways to give feedback: confirm the answer, or correct it;
* ``POST /feedback``: the confirmation or correction goes to the model service's
  ``/feedback`` with the request id: the labels that the feedback module
  (``python -m regression_demo.feedback``) turns into training data, and that
  ``sekit check monitor`` judges accuracy on;
* ``GET /health``: the app's own health (it stays up when the model service is down).

**When the model service is down** (refused, a time-out, a 5xx), the page says so and keeps
working: the user can try again, nothing crashes, and the answer is never made up.

**Bad input is a 4xx page, never a 500** (limits.py holds the body limit, 64 KiB): a form that
is not UTF-8, a number that is not a finite number within its range, a cookie that is not an
id this app gave (a new id is given instead).

**Experiments.** ``ARMS="control=http://127.0.0.1:8000,canary=http://127.0.0.1:8001"`` and
``SPLIT="control=0.9,canary=0.1"`` send each user to one arm, always the same one: the arm is a
hash of the experiment's name (``EXPERIMENT``) and the user's id (a cookie set on the first
visit), so it survives restarts and replicas with no state. The app sends the user and the arm
to the service (headers ``X-User-Id``, ``X-Arm``), which logs them with the request:
``sekit check experiment`` reads the run from that log. Without ``ARMS``, every user is in the
one arm ``control`` served by ``MODEL_URL`` (default ``http://127.0.0.1:8000``).
"""

from __future__ import annotations

import hashlib
import html
import math
import os
import re
import uuid
from typing import Any
from urllib.parse import parse_qs

import httpx
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse

from regression_demo import limits

TIMEOUT_S = float(os.environ.get("MODEL_TIMEOUT_S", "2"))
COOKIE = "user_id"
LIMITS = {
    "age": (4, 109, "int"),
    "sex": (1, 2, "int"),
    "bmi": (11.9, 54.3, "float"),
    "bp": (44.2, 169.0, "float"),
    "s1": (46, 403, "int"),
    "s2": (0.0, 343.0, "float"),
    "s3": (2.75, 138.0, "float"),
    "s4": (0.227, 12.7, "float"),
    "s5": (2.54, 7.54, "float"),
    "s6": (41, 157, "int"),
}
CLINICS = ["north", "south", "west"]

TITLE = "Diabetes progression, 442 patients, 10 baseline measurements"

app = FastAPI(title="regression-demo app", version="0.1.0")
limits.install(app)
USER_ID = re.compile(r"[0-9a-f]{32}")  # what uuid4().hex gives


def arms() -> dict[str, str]:
    """Arm -> the model service's URL."""
    listed = os.environ.get("ARMS")
    if not listed:
        return {"control": os.environ.get("MODEL_URL", "http://127.0.0.1:8000").rstrip("/")}
    pairs = (item.split("=", 1) for item in listed.split(",") if item.strip())
    return {arm.strip(): url.strip().rstrip("/") for arm, url in pairs}


def split() -> dict[str, float]:
    """Arm -> its share of the users (default: equal shares)."""
    listed = os.environ.get("SPLIT")
    if not listed:
        return {arm: 1 / len(arms()) for arm in arms()}
    pairs = (item.split("=", 1) for item in listed.split(",") if item.strip())
    shares = {arm.strip(): float(share) for arm, share in pairs}
    total = sum(shares.values())
    return {arm: share / total for arm, share in shares.items()}


def arm_of(user_id: str) -> str:
    """The user's arm: the same on every request, every restart and every replica."""
    experiment = os.environ.get("EXPERIMENT", "regression-demo")
    digest = hashlib.sha256(f"{experiment}:{user_id}".encode()).hexdigest()
    bucket = int(digest, 16) % 10_000 / 10_000
    total = 0.0
    shares = split()
    for arm, share in shares.items():
        total += share
        if bucket < total:
            return arm
    return list(shares)[-1]


def client() -> httpx.Client:
    """How the app reaches the model service (tests hand it the service in-process)."""
    return httpx.Client(timeout=TIMEOUT_S)


def page(body: str, *, status: int = 200, user_id: str | None = None) -> HTMLResponse:
    response = HTMLResponse(
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html.escape(TITLE)}</title></head><body><main>"
        f"<h1>{html.escape(TITLE)}</h1>{body}</main></body></html>",
        status_code=status,
    )
    if user_id is not None:
        response.set_cookie(COOKIE, user_id, max_age=365 * 86400, httponly=True, samesite="lax")
    return response


def user_of(request: Request) -> tuple[str, bool]:
    """The user's id from the cookie, or a new one (and whether it is new). A cookie that is
    not an id this app gave is replaced: it goes into a header to the model service and into
    the log."""
    known = request.cookies.get(COOKIE) or ""
    return (known, False) if USER_ID.fullmatch(known) else (uuid.uuid4().hex, True)


def form() -> str:
    fields = []
    for name, (low, high, kind) in LIMITS.items():
        step = "1" if kind == "int" else "any"
        fields.append(
            f"<p><label for='{name}'>{name}</label> <input id='{name}' name='{name}' "
            f"type='number' step='{step}' min='{low}' max='{high}' required></p>"
        )
    options = "".join(f"<option>{html.escape(c)}</option>" for c in CLINICS)
    fields.append(
        "<p><label for='clinic'>clinic</label> "
        f"<select id='clinic' name='clinic'>{options}</select></p>"
    )
    return (
        "<form id='ask' method='post' action='/ask'>"
        + "".join(fields)
        + "<button id='submit' type='submit'>Ask the model</button></form>"
    )


@app.get("/health")
def health() -> dict[str, Any]:
    return {"status": "ok", "arms": arms()}


@app.get("/", response_class=HTMLResponse)
def index(request: Request) -> Response:
    user_id, new = user_of(request)
    return page(form(), user_id=user_id if new else None)


async def posted(request: Request) -> dict[str, str] | None:
    """The form's fields; None when the body is not a UTF-8 form."""
    try:
        text = (await request.body()).decode("utf-8")
        fields = parse_qs(text, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        return None
    return {key: values[-1] for key, values in fields.items()}


def unreadable() -> HTMLResponse:
    return page("<p id='invalid' role='alert'>The form could not be read.</p>" + form(), status=400)


def number(values: dict[str, str], name: str) -> int | float:
    """A field as the number its limits allow; ValueError with what is wrong otherwise."""
    low, high, kind = LIMITS[name]
    try:
        value = int(values[name]) if kind == "int" else float(values[name])
    except (KeyError, ValueError):
        raise ValueError(f"{name}: please enter a number") from None
    if not math.isfinite(value) or not low <= value <= high:
        raise ValueError(f"{name}: please enter a number from {low} to {high}")
    return value


def unavailable(why: str, user_id: str | None) -> HTMLResponse:
    return page(
        "<p id='unavailable' role='alert'>The model service is unavailable right now "
        f"({html.escape(why)}). Nothing was answered; please try again in a moment.</p>" + form(),
        status=503,
        user_id=user_id,
    )


@app.post("/ask", response_class=HTMLResponse)
async def ask(request: Request) -> Response:
    user_id, new = user_of(request)
    values = await posted(request)
    if values is None:
        return unreadable()
    try:
        row: dict[str, Any] = {name: number(values, name) for name in LIMITS}
        if values.get("clinic") not in CLINICS:
            raise ValueError("clinic: please choose one of the list")
        row["clinic"] = values["clinic"]
    except ValueError as exc:
        why = html.escape(str(exc))
        return page(
            f"<p id='invalid' role='alert'>Please fill in every field ({why}).</p>" + form(),
            status=422,
        )
    arm = arm_of(user_id)
    headers = {"X-User-Id": user_id, "X-Arm": arm}
    try:
        with client() as http:
            answer = http.post(f"{arms()[arm]}/predict", json=row, headers=headers)
    except httpx.HTTPError as exc:
        return unavailable(type(exc).__name__, user_id if new else None)
    if answer.status_code >= 500:
        return unavailable(f"HTTP {answer.status_code}", user_id if new else None)
    if answer.status_code != 200:
        detail = html.escape(answer.text[:300])
        return page(
            f"<p id='invalid' role='alert'>The model refused the input: {detail}</p>" + form(),
            status=422,
        )
    try:
        got = answer.json()
        label = html.escape(str(got["progression"]))
        request_id = html.escape(str(got["request_id"]))
        version = html.escape(str(got["model_version"]))
    except (ValueError, KeyError, TypeError):
        return unavailable("an answer the app cannot read", user_id if new else None)
    fallback = (
        " (a fallback answer: the model could not answer in time)" if got.get("fallback") else ""
    )
    correction = "<input id='label' name='label' type='number' step='any' min='0' required>"
    body = (
        f"<p>progression: <strong id='answer'>{label}</strong>{fallback}</p>"
        f"<p>model version <code id='model-version'>{version}</code>, "
        f"request <code id='request-id'>{request_id}</code></p>"
        "<form id='confirm' method='post' action='/feedback'>"
        f"<input type='hidden' name='request_id' value='{request_id}'>"
        f"<input type='hidden' name='arm' value='{html.escape(arm)}'>"
        f"<input type='hidden' name='label' value='{label}'>"
        "<button id='right' type='submit'>This is right</button></form>"
        "<form id='correct' method='post' action='/feedback'>"
        f"<input type='hidden' name='request_id' value='{request_id}'>"
        f"<input type='hidden' name='arm' value='{html.escape(arm)}'>"
        f"<label for='label'>The right answer is</label> {correction} "
        "<button id='send-correction' type='submit'>Correct it</button></form>"
        "<p><a href='/'>Ask again</a></p>"
    )
    return page(body, user_id=user_id if new else None)


@app.post("/feedback", response_class=HTMLResponse)
async def feedback(request: Request) -> Response:
    user_id, new = user_of(request)
    values = await posted(request)
    if values is None:
        return unreadable()
    arm = values.get("arm", "control")
    url = arms().get(arm)
    if url is None or not values.get("request_id") or not values.get("label"):
        return page("<p id='invalid' role='alert'>That feedback is incomplete.</p>", status=422)
    item = {"request_id": values["request_id"], "progression": values["label"]}
    try:
        with client() as http:
            stored = http.post(f"{url}/feedback", json=item)
    except httpx.HTTPError as exc:
        return unavailable(type(exc).__name__, user_id if new else None)
    if 400 <= stored.status_code < 500:
        return page(
            "<p id='invalid' role='alert'>The model service refused that feedback.</p>",
            status=422,
        )
    if stored.status_code != 201:
        return unavailable(f"HTTP {stored.status_code}", user_id if new else None)
    return page(
        "<p id='thanks' role='status'>Thank you: your feedback is stored and will help the "
        "next model.</p><p><a href='/'>Ask again</a></p>",
        user_id=user_id if new else None,
    )
