"""Parse: every answer held to the output contract (contracts/answer.schema.json).

An answer is JSON that matches the schema, and its label is the pipeline's answer. Anything
else (prose, broken JSON, a label that is not one, no answer at all) gets the fallback label
and is marked ``"fallback": true`` with the reason: the output says how many answers are not
the model's, and nothing downstream mistakes a broken answer for a label.
"""

from __future__ import annotations

import json
from typing import Any

import jsonschema

from llm_demo.config import ANSWERS, LABELS, SCHEMA, params


def parse(content: str | None, schema: dict[str, Any], fallback: str) -> dict[str, Any]:
    """The label in one answer, or the marked fallback with why."""
    if content is None:
        return {"label": fallback, "fallback": True, "why": "no answer from the model"}
    try:
        answer = json.loads(content)
        jsonschema.validate(answer, schema)
    except json.JSONDecodeError as exc:
        return {"label": fallback, "fallback": True, "why": f"not JSON: {exc.msg}"}
    except jsonschema.ValidationError as exc:
        return {"label": fallback, "fallback": True, "why": f"off the contract: {exc.message}"}
    return {"label": answer["label"], "fallback": False}


def main() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    fallback = params("parse")["fallback"]
    lines = ANSWERS.read_text(encoding="utf-8").split("\n")
    answers = [json.loads(line) for line in lines if line.strip()]
    LABELS.parent.mkdir(parents=True, exist_ok=True)
    broken = 0
    with LABELS.open("w", encoding="utf-8") as handle:
        for answer in answers:
            parsed = parse(answer.get("content"), schema, fallback)
            broken += parsed["fallback"]
            handle.write(json.dumps({"id": answer["id"], **parsed}, ensure_ascii=False) + "\n")
    print(f"{len(answers)} answers, {broken} off the contract (marked fallback)")


if __name__ == "__main__":
    main()
