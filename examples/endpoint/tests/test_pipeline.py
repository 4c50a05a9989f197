"""The pipeline's own stages: sanitize and features."""

from __future__ import annotations

import pandas as pd

from endpoint_demo.features import request
from endpoint_demo.sanitize import clean, sanitize


def test_clean_text_is_one_normal_form_on_one_line() -> None:
    assert clean("  Cafe\u0301\n\tgood\x00 ", 100) == "Café good"
    assert clean(None, 100) == ""
    assert clean("x" * 50, 10) == "x" * 10


def test_empty_and_duplicate_texts_are_dropped() -> None:
    frame = pd.DataFrame({"id": ["a", "b", "c"], "text": ["Nice.", " ", "Nice."], "label": "p"})
    assert sanitize(frame, 100)["id"].tolist() == ["a"]


def test_a_request_carries_the_hash_of_its_text() -> None:
    one, two = request({"id": "a", "text": "same"}), request({"id": "b", "text": "same"})
    assert one["input_hash"] == two["input_hash"] and len(one["input_hash"]) == 64
