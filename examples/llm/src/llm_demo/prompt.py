"""Prompt: one chat-completions request per review, from the prompt file under version
control (prompts/sentiment.toml) and the model's parameters (params.toml [prompt]).

The messages are the system message (with the guard's after it), the examples, the guard's
examples, then the review in the user message (with the guard's mask words taken out): exactly
what sekit tests (tests/test_prompt.py checks that the two agree). Each request carries the
hash of its body: the call stage's cache key, so a changed prompt or parameter is asked again
and an unchanged one never is.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import tomllib
from pathlib import Path
from typing import Any

from llm_demo.config import CLEAN, PROMPT, REQUESTS, params

SLOT = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def messages(
    prompt: dict[str, Any], row: dict[str, str], guard: bool = True
) -> list[dict[str, str]]:
    """The conversation for one row: ``{text}`` and ``{column}`` filled, other braces kept.
    With the guard: its system text after the system message, its user message (if it has
    one), its examples after the examples, and its ``mask`` words taken out of the row."""
    system, user = prompt.get("system"), prompt.get("user", "{text}")
    examples = list(prompt.get("examples", []))
    shield = prompt.get("guard") or {}
    if guard:
        if shield.get("system"):
            system = f"{system}\n\n{shield['system']}" if system else shield["system"]
        user = shield.get("user") or user
        examples += shield.get("examples", [])
        row = masked(row, shield.get("mask", []))
    said = [{"role": "system", "content": system}] if system else []
    for turn in examples:
        said += [{"role": "user", "content": turn["user"]},
                 {"role": "assistant", "content": turn["assistant"]}]  # fmt: skip
    values = {k: "" if v is None else str(v) for k, v in row.items()}
    filled = SLOT.sub(lambda m: values.get(m.group(1), m.group(0)), user)
    return [*said, {"role": "user", "content": filled}]


def masked(row: dict[str, str], words: list[str]) -> dict[str, str]:
    """The row with each word of ``words`` (whole words, any case) replaced by ``[...]``."""
    if not words:
        return row
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE)
    return {k: pattern.sub("[...]", v) if isinstance(v, str) else v for k, v in row.items()}


def request(
    prompt: dict[str, Any], row: dict[str, str], number: int, settings: dict[str, Any]
) -> dict[str, Any]:
    body = {
        "model": settings["model"],
        "messages": messages(prompt, row),
        "temperature": settings["temperature"],
        "max_tokens": settings["max_tokens"],
        "seed": int(settings["seed"]) + number,
    }
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return {"id": row["id"], "input_hash": hashlib.sha256(canonical).hexdigest(), "body": body}


def read_prompt(path: Path = PROMPT) -> dict[str, Any]:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def main() -> None:
    prompt, settings = read_prompt(), params("prompt")
    with CLEAN.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    REQUESTS.parent.mkdir(parents=True, exist_ok=True)
    with REQUESTS.open("w", encoding="utf-8") as handle:
        for number, row in enumerate(rows):
            handle.write(
                json.dumps(request(prompt, row, number, settings), ensure_ascii=False) + "\n"
            )
    print(f"wrote {len(rows)} requests")


if __name__ == "__main__":
    main()
