"""``load.malformed``: the service refuses a request that breaks its schema; it never fails on one.

With ``[load].malformed = true``, sekit starts the service (or uses ``--url``) and sends it
requests formed from ``[service]``'s endpoint and first payload, each broken one way:

* **a path parameter** (``/recommend/{user_id}``) replaced by text where the payload has a
  number, by nothing, by a negative number, by 5,000 digits, by a NUL byte and by an SQL
  fragment (URL-encoded);
* **a JSON body** (POST, PUT) that is not JSON, is a JSON array, is empty, lacks one of the
  payload's fields, has one of them of the wrong type, or has a 100,000-character string.

Each is sent once, with a 10 s timeout. An answer of 4xx is the schema violation handled.
An answer of 5xx, a connection the service dropped and no answer in time are
``malformed_input`` (fail): a client's typo took a worker down or left it hanging. A body that
breaks the schema answered 2xx is ``malformed_input`` (warn): the service guessed, or ignored
what it was not given. A path parameter answered 2xx is accepted: an id of another shape may
be a user the model never saw, which the service may answer (cold start). Then the health path
must still answer: a service that died on a probe fails. Every probe is a fact of one request,
named with its method, path and answer in the finding.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from sekit.checks.context import Context
from sekit.checks.findings import finding, outcome
from sekit.checks.load.options import LoadOptions
from sekit.checks.load.requests import PLACEHOLDER, filled, parameters
from sekit.checks.spec import CheckSpec, Kind, Metric
from sekit.config.service import Service
from sekit.results import Finding, Outcome

TIMEOUT_S = 10.0
LONG_TEXT = 100_000


@dataclass(frozen=True)
class Probe:
    """One malformed request: what is broken, the method, path and raw body, and whether a
    2xx answer is acceptable (a path parameter of another shape) or a guess (a body)."""

    what: str
    method: str
    path: str
    body: bytes | None
    body_schema: bool


def _wrong_type(value: Any) -> Any:
    if isinstance(value, bool | int | float):
        return "not-a-number"
    if isinstance(value, str):
        return 12345
    return "not-a-" + type(value).__name__


def _with(endpoint: str, values: dict[str, Any], name: str, text: str) -> str:
    """The endpoint with ``name`` replaced by ``text`` and the other parameters by the
    payload's values (1 where it has none), URL-encoded."""

    def value(match: re.Match[str]) -> str:
        given = text if match.group(1) == name else str(values.get(match.group(1), 1))
        return quote(given, safe="")

    return PLACEHOLDER.sub(value, endpoint)


def probes(service: Service, payloads: list[Any]) -> list[Probe]:
    """The malformed requests for ``service`` (module docstring), from its first payload."""
    first = payloads[0] if payloads else None
    values = first if isinstance(first, dict) else {}
    names = parameters(service.endpoint)
    method = service.method
    found: list[Probe] = []
    for name in names:
        shown = values.get(name, 1)
        broken: list[tuple[str, str]] = [
            (f"{name} empty", ""),
            (f"{name} negative", "-1"),
            (f"{name} of 5,000 digits", "9" * 5000),
            (f"{name} with a NUL byte", "1\x00"),
            (f"{name} an SQL fragment", "1' OR '1'='1"),
        ]
        if isinstance(shown, int | float) and not isinstance(shown, bool):
            broken.insert(0, (f"{name} not a number", "not-a-number"))
        else:
            broken.insert(0, (f"{name} a number", "12345"))
        for what, text in broken:
            path = _with(service.endpoint, values, name, text)
            found.append(Probe(what, method, path, None, body_schema=False))
    if method == "GET":
        return found
    path = filled(service.endpoint, values) if names else service.endpoint
    body = {k: v for k, v in values.items() if k not in names}
    bodies: list[tuple[str, bytes]] = [
        ("a body that is not JSON", b'{"not json'),
        ("a JSON array for a body", b"[]"),
        ("an empty JSON object", b"{}"),
    ]
    for key in list(body)[:10]:
        rest = {k: v for k, v in body.items() if k != key}
        bodies.append((f"no {key!r}", json.dumps(rest).encode()))
        wrong = {**body, key: _wrong_type(body[key])}
        bodies.append((f"{key!r} of the wrong type", json.dumps(wrong).encode()))
    text_keys = [k for k, v in body.items() if isinstance(v, str)]
    if text_keys:
        long = {**body, text_keys[0]: "x" * LONG_TEXT}
        bodies.append((f"{text_keys[0]!r} of {LONG_TEXT:,} characters", json.dumps(long).encode()))
    found += [Probe(what, method, path, raw, body_schema=True) for what, raw in bodies]
    return found


def _sent(http: Any, url: str, probe: Probe) -> tuple[int | None, str | None]:
    """The answer's status, or None and what went wrong (dropped, timed out)."""
    import httpx

    headers = {"Content-Type": "application/json"} if probe.body is not None else None
    try:
        answer = http.request(probe.method, url + probe.path, content=probe.body, headers=headers)
    except httpx.TimeoutException:
        return None, f"no answer within {TIMEOUT_S:g} s"
    except httpx.HTTPError as error:
        return None, f"the connection failed ({type(error).__name__})"
    return answer.status_code, None


def check_malformed(ctx: Context) -> Outcome:
    config = ctx.config
    if not config.load.malformed:
        return Outcome.skipped(
            reason="malformed requests are not probed: set [load].malformed = true"
        )
    if ctx.options.of(LoadOptions).fault:
        return Outcome.skipped(reason="--fault: only load.fallback runs")
    if config.service is None:
        return Outcome.skipped(reason="no [service] to form requests from")
    from sekit.checks.load.check import target
    from sekit.checks.load.locust import payloads
    from sekit.net import http
    from sekit.subjects.service import ServiceDown, healthy

    planned = probes(config.service, payloads(config.service))
    answers: list[tuple[Probe, int | None, str | None]] = []
    try:
        with target(ctx) as service:
            with http.client(allow_remote=service.allow_remote, timeout=TIMEOUT_S) as client:
                for probe in planned:
                    answers.append((probe, *_sent(client, service.url, probe)))
            alive = service.alive() and healthy(
                service.url,
                config.service.health,
                timeout=TIMEOUT_S,
                allow_remote=service.allow_remote,
            )
    except ServiceDown as down:
        return Outcome.error(down.message, cause="unmeasured")
    return _judged(answers, alive, config.service.health)


def _judged(
    answers: list[tuple[Probe, int | None, str | None]], alive: bool, health: str
) -> Outcome:
    failed = [(p, status, why) for p, status, why in answers if status is None or status >= 500]
    guessed = [
        (p, status)
        for p, status, _ in answers
        if p.body_schema and status is not None and status < 300
    ]
    findings: list[Finding] = []

    def named(probe: Probe, status: int | None, why: str | None) -> str:
        shown = probe.path if len(probe.path) <= 60 else probe.path[:57] + "..."
        return f"{probe.what} ({probe.method} {shown}): {why or status}"

    if failed:
        findings.append(
            finding(
                MALFORMED_INPUT,
                "fail",
                f"{len(failed)} of {len(answers)} malformed requests were not refused with a "
                f"4xx: " + "; ".join(named(*f) for f in failed[:3]),
                requests=[named(*f) for f in failed],
            )
        )
    if not alive:
        findings.append(
            finding(
                MALFORMED_INPUT,
                "fail",
                f"after the malformed requests the service no longer answers {health}",
            )
        )
    if guessed:
        findings.append(
            finding(
                MALFORMED_INPUT,
                "warn",
                f"{len(guessed)} requests whose body breaks the schema were answered with "
                "success (the service guessed or ignored what it was not given): "
                + "; ".join(named(p, s, None) for p, s in guessed[:3]),
                requests=[named(p, s, None) for p, s in guessed],
            )
        )
    handled = len(answers) - len(failed)
    metrics = {
        "malformed_requests": float(len(answers)),
        "malformed_handled": handled / len(answers) if answers else 1.0,
    }
    serious = [f for f in findings if f.severity.value != "info"]
    summary = (
        serious[0].message
        if serious
        else f"{len(answers)} malformed requests, each refused with a 4xx or answered"
    )
    return outcome(findings, summary, metrics)


# --- declarations ----------------------------------------------------------------------

MALFORMED_INPUT = Kind(
    "malformed_input",
    "a request that breaks the service's schema was answered with a server error, dropped or "
    "left hanging (fail), or a malformed body was answered with success (warn)",
    (
        "Clients send wrong types, missing fields and garbage ids every day; a service that "
        "answers them with a 500, or whose worker dies or hangs on one, loses availability to "
        "typos and is the first thing an attacker probes."
    ),
    "Send the request the finding names to the service and read its log (.sekit/service.log).",
    (
        "Validate the input at the edge (FastAPI's typed parameters, a pydantic model for the "
        "body) and answer 400/404/422 with what is wrong; never let a parse error reach the "
        "model."
    ),
    trust="Each probe is one request and its answer, named in the finding: a fact.",
)

MALFORMED_HANDLED = Metric(
    "load.malformed_handled",
    "share of sekit's malformed requests refused with a 4xx or answered (not a "
    "server error, a dropped connection or a hang)",
    "Below 1, a client's typo is a server error.",
    "See malformed_input.",
    "See malformed_input.",
    gate="min = 1",
)

MALFORMED_CHECK = CheckSpec(
    id="load.malformed",
    title="malformed requests are refused with a 4xx, never a server error or a hang",
    func=check_malformed,
    emits="`malformed_input` (a 5xx, a dropped connection, a hang or a service that died: "
    "fail; a malformed body answered with success: warn)",
    kinds=(MALFORMED_INPUT,),
    metrics=(MALFORMED_HANDLED,),
    settings=("[load].malformed", "[service]"),
)
