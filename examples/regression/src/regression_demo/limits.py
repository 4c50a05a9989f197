"""What the services accept, in one place (serve.py and app.py both install it).

* **A body limit.** A request body larger than ``MAX_BODY_BYTES`` (64 KiB, or the environment
  variable of that name) is answered ``413`` before it is read: one input is a few hundred
  bytes, and a server that reads any body into memory can be made to hold gigabytes (and
  Python seldom gives that memory back). A body without a length (chunked) is read only up to
  the limit.
* **Clear 4xx, never 500, for bad input.** A validation error is answered ``422`` with what
  was wrong (FastAPI's own answer would try to echo a ``NaN`` it cannot write as JSON, and
  fail with 500); models here refuse ``NaN`` and ``Infinity`` (``allow_inf_nan=False``).
"""

from __future__ import annotations

import os
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

MAX_BODY_BYTES = int(os.environ.get("MAX_BODY_BYTES", str(64 * 1024)))

Scope = dict[str, Any]
Message = dict[str, Any]


class LimitBody:
    """ASGI middleware: 413 for a body over ``max_bytes``, read no further."""

    def __init__(self, app: Any, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None:
            if not length.isdigit() or int(length) > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            await self.app(scope, receive, send)  # the server reads no more than the length
            return
        # no length (chunked): read up to the limit, then hand the body on
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            if message["type"] != "http.request" or not message.get("more_body"):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Any, send: Any) -> None:
        answer = JSONResponse(
            {"detail": f"the request body is larger than {self.max_bytes} bytes"},
            status_code=413,
            headers={"Connection": "close"},
        )
        await answer(scope, receive, send)


async def invalid_input(request: Request, exc: Exception) -> JSONResponse:
    """422 with each problem's place and message (never the input itself: it may be a NaN
    or megabytes)."""
    assert isinstance(exc, RequestValidationError)
    problems = [
        {"loc": [str(part) for part in error["loc"]], "msg": error["msg"], "type": error["type"]}
        for error in exc.errors()
    ]
    return JSONResponse({"detail": problems}, status_code=422)


def install(app: FastAPI) -> None:
    """The body limit and the validation answers, on ``app``."""
    app.add_middleware(LimitBody)
    app.add_exception_handler(RequestValidationError, invalid_input)
