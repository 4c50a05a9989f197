"""The pipeline's own stages: sanitize, prompt and parse (the contract and its fallback)."""

from __future__ import annotations

import json

from llm_demo.config import SCHEMA
from llm_demo.parse import parse
from llm_demo.prompt import read_prompt, request
from llm_demo.sanitize import clean, sanitize

SETTINGS = {"model": "m", "temperature": 0.7, "max_tokens": 12, "seed": 1}


def test_clean_text_is_one_normal_form_on_one_line() -> None:
    assert clean("  Cafe\u0301\n\tgood\x00 ", 100) == "Café good"
    assert clean(None, 100) == ""
    assert clean("x" * 50, 10) == "x" * 10


def test_empty_and_duplicate_texts_are_dropped() -> None:
    rows = [{"id": "a", "text": "Nice."}, {"id": "b", "text": " "}, {"id": "c", "text": "Nice."}]
    assert [r["id"] for r in sanitize(rows, 100)] == ["a"]


def test_a_request_carries_the_review_and_a_hash_of_everything_asked() -> None:
    prompt = read_prompt()
    one = request(prompt, {"id": "a", "text": "Great {stay}."}, 0, SETTINGS)
    assert one["body"]["messages"][-1] == {"role": "user", "content": "Great {stay}."}
    assert one["body"]["seed"] == 1 and len(one["input_hash"]) == 64
    hotter = request(
        prompt, {"id": "a", "text": "Great {stay}."}, 0, {**SETTINGS, "temperature": 1}
    )
    assert hotter["input_hash"] != one["input_hash"]  # a new parameter is a new request


def test_an_answer_is_held_to_the_contract_or_marked() -> None:
    schema = json.loads(SCHEMA.read_text())
    assert parse('{"label": "positive"}', schema, "unknown") == {
        "label": "positive",
        "fallback": False,
    }
    for broken in ("The review is positive.", '{"label": "great"}', '{"label": "positive"', None):
        parsed = parse(broken, schema, "unknown")
        assert parsed["label"] == "unknown" and parsed["fallback"] and parsed["why"]
