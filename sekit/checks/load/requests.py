"""How a load test forms its requests and reads an answer, from ``[service]``.

* **A path with parameters.** ``endpoint = "/recommend/{user_id}"`` takes ``user_id`` from each
  payload (``[{"user_id": 17}, ...]``), URL-encoded; the payload's other keys are the JSON body
  (POST, PUT). A GET sends no body, so a GET payload may hold only path parameters.
* **An answer.** ``answer = "json"`` (the default: the fallback mark is read from it),
  ``"text"`` (any body), or ``"list"``: item ids separated by commas, as CMU's movie service
  answers; an empty list, an item twice or more than ``[model.ranking].k`` items is a failed
  request, as a client would count it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from sekit.config.schema import Config, Service
from sekit.errors import InputError

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class Planned:
    """One request: its path (parameters filled) and its JSON body, or None."""

    path: str
    body: Any


def parameters(endpoint: str) -> list[str]:
    """The names in braces in an endpoint path."""
    return PLACEHOLDER.findall(endpoint)


def planned(service: Service, payloads: list[Any]) -> list[Planned]:
    """The requests a load test cycles through: one per payload (or one without)."""
    names = parameters(service.endpoint)
    if not names:
        bodies = payloads or [None]
        return [Planned(service.endpoint, body) for body in bodies]
    if not payloads:
        raise InputError(
            service.payload or "sekit.toml",
            f"the endpoint {service.endpoint} has parameters ({', '.join(names)}): give their "
            "values in [service].payload, e.g. [{" + f'"{names[0]}": 1' + "}]",
            key="service.payload",
        )
    found = []
    for index, payload in enumerate(payloads):
        where = service.payload or "sekit.toml"
        if not isinstance(payload, dict):
            raise InputError(
                where,
                f"payload {index} is not a JSON object with {', '.join(names)}",
                key="service.payload",
            )
        missing = [name for name in names if name not in payload]
        if missing:
            raise InputError(
                where,
                f"payload {index} has no {missing[0]!r} for the endpoint {service.endpoint}",
                key="service.payload",
            )
        rest = {k: v for k, v in payload.items() if k not in names}
        if rest and service.method == "GET":
            raise InputError(
                where,
                f"payload {index} has {sorted(rest)[0]!r}, which is not in the path: a GET "
                "sends no body",
                key="service.payload",
            )
        found.append(Planned(filled(service.endpoint, payload), rest or None))
    return found


def filled(endpoint: str, values: dict[str, Any]) -> str:
    """The endpoint with each ``{name}`` replaced by its value, URL-encoded."""
    return PLACEHOLDER.sub(lambda m: quote(str(values[m.group(1)]), safe=""), endpoint)


def max_items(config: Config) -> int | None:
    """The longest list a ``list`` answer may hold: ``[model.ranking].k`` of a ranking model."""
    model = config.model
    return model.ranked.k if model is not None and model.task == "ranking" else None


def list_problem(text: str, limit: int | None) -> str | None:
    """What is wrong with a ``list`` answer (item ids separated by commas), or None.

    The same rule is copied into the locustfile modules (``_open.py``, ``_closed.py``: Locust
    runs them without sekit); ``tests/checks/load/test_requests.py`` holds them to it."""
    items = [part.strip() for part in text.strip().split(",")] if text.strip() else []
    if not items or any(not item for item in items):
        return "empty list" if not items else "an empty item"
    if len(set(items)) != len(items):
        return "an item twice"
    if limit is not None and len(items) > limit:
        return f"more than {limit} items"
    return None
