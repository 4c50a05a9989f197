"""Requests to an endpoint and what its answers mean, for each protocol.

``rest``: a JSON body holding the input field (or the row's feature columns) and a JSON answer
whose prediction sits at a dotted path. ``openai``: chat completions: the prompt filled with the
row, the prediction read from the message's content (as JSON against a schema, when one is
given), the tokens from ``usage``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sekit.endpoint.prompt import Prompt


class InvalidAnswer(Exception):
    """An answer without a usable prediction: a finding, never a crash of sekit."""


@dataclass(frozen=True)
class Protocol:
    """How rows become requests and answers become predictions."""

    kind: str  # rest | openai
    input: str
    output: str
    features: tuple[str, ...] = ()
    llm: str | None = None
    prompt: Prompt | None = None
    schema: Mapping[str, Any] | None = None
    temperature: float = 0.0
    max_tokens: int | None = None
    seed: int = 0  # the run's: trial t of a sampling model asks with seed * 1000 + t

    @property
    def samples(self) -> bool:
        """Whether answers are samples (a chat model above temperature 0): the same request
        may get another answer, and each trial asks with a seed of its own."""
        return self.kind == "openai" and self.temperature > 0

    def body(self, row: Mapping[str, Any], *, trial: int = 0, guard: bool = True) -> dict[str, Any]:
        """The JSON request for one row of the data (plain values): trial ``trial`` of it, with
        the prompt's guard or without it."""
        if self.kind == "openai":
            assert self.prompt is not None
            body: dict[str, Any] = {
                "model": self.llm,
                "messages": self.prompt.messages(row, self.input, guard=guard),
                "temperature": self.temperature,
            }
            if self.max_tokens is not None:
                body["max_tokens"] = self.max_tokens
            if self.samples:
                body["seed"] = self.seed * 1000 + trial
            return body
        if self.input == "*":
            return {name: row.get(name) for name in self.features}
        return {self.input: row.get(self.input)}

    def text_body(self, text: str, *, trial: int = 0, guard: bool = True) -> dict[str, Any]:
        """The request for one text (the text behaviour tests)."""
        return self.body({self.input: text}, trial=trial, guard=guard)

    def prediction(self, answer: Any) -> Any:
        """The prediction in a JSON answer; :class:`InvalidAnswer` when there is none."""
        if self.kind == "openai":
            content = at(answer, "choices.0.message.content")
            if not isinstance(content, str):
                raise InvalidAnswer("the answer has no message content")
            if self.schema is None:
                return content.strip() if self.output in ("content", "label") else content
            try:
                parsed = json.loads(content)
            except json.JSONDecodeError as exc:
                raise InvalidAnswer(f"the message is not JSON ({exc.msg})") from None
            _validate(parsed, self.schema)
            return at(parsed, self.output)
        return at(answer, self.output)

    def content(self, answer: Any) -> str | None:
        """A chat model's message, as it came (the contract check shows broken ones)."""
        if self.kind != "openai":
            return None
        try:
            found = at(answer, "choices.0.message.content")
        except InvalidAnswer:
            return None
        return found if isinstance(found, str) else None

    def tokens(self, answer: Any) -> tuple[int, int]:
        """Prompt and answer tokens the endpoint reports (0 when it reports none);
        :class:`InvalidAnswer` when it reports something that is not a count (a cost computed
        from ``-1e9`` or ``NaN`` tokens would pass any budget)."""
        usage = answer.get("usage") if isinstance(answer, dict) else None
        if not isinstance(usage, dict):
            return 0, 0
        return _count(usage, "prompt_tokens"), _count(usage, "completion_tokens")


def at(document: Any, path: str) -> Any:
    """The value at a dotted path (``result.label``, ``choices.0.text``)."""
    found = document
    for part in path.split("."):
        if isinstance(found, dict) and part in found:
            found = found[part]
        elif isinstance(found, list) and part.isdigit() and int(part) < len(found):
            found = found[int(part)]
        else:
            raise InvalidAnswer(f"the answer has no {path!r}")
    if found is None or isinstance(found, dict | list):
        raise InvalidAnswer(f"the answer's {path!r} is not a prediction: {str(found)[:80]}")
    if isinstance(found, float) and not math.isfinite(found):
        # Python's JSON reader takes NaN and Infinity, which JSON does not have
        raise InvalidAnswer(f"the answer's {path!r} is not a finite number: {found}")
    return found


def _count(usage: Mapping[str, Any], name: str) -> int:
    value = usage.get(name)
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidAnswer(f"the answer's usage.{name} is not a count: {str(value)[:40]}")
    if not math.isfinite(value) or value < 0 or value != int(value):
        raise InvalidAnswer(f"the answer's usage.{name} is not a count: {value}")
    return int(value)


def _validate(parsed: Any, schema: Mapping[str, Any]) -> None:
    import jsonschema

    try:
        jsonschema.validate(parsed, schema)
    except jsonschema.ValidationError as exc:
        raise InvalidAnswer(
            f"the message does not match the answer schema: {exc.message}"
        ) from None
