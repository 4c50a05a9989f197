"""A replay that lacks an answer names the stage that asked and what changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from sekit.endpoint.cassette import Cassette, Recorded, changed, key_of
from sekit.errors import InputError


def body(system: str, temperature: float = 0.7, text: str = "Nice.") -> dict[str, object]:
    return {
        "model": "m",
        "messages": [{"role": "system", "content": system}, {"role": "user", "content": text}],
        "temperature": temperature,
    }


def recorded(tmp_path: Path) -> Path:
    cassette = Cassette(tmp_path / "c.jsonl", recording=True)
    for text in ("Nice.", "Bad."):
        asked = body("Label it.", text=text)
        answer = Recorded(200, {"choices": []}, 12.0)
        cassette.record(key_of("u", asked), asked, answer, stage="test set")
    cassette.save()
    return cassette.path


@pytest.mark.parametrize(
    ("asked", "named"),
    [
        (body("Label it, please."), "messages.0.content"),
        (body("Label it.", temperature=0.2), "temperature (0.7 recorded, 0.2 asked)"),
    ],
)
def test_a_changed_prompt_or_parameter_is_a_miss_naming_the_stage_and_the_field(
    tmp_path: Path, asked: dict[str, object], named: str
) -> None:
    cassette = Cassette.open(recorded(tmp_path), recording=False)
    assert cassette.replay(key_of("u", asked), asked, "test set") is None
    error = cassette.miss_error()
    assert isinstance(error, InputError)
    assert f"test set: the request differs from the recorded one in {named}" in str(error)
    assert "--record" in str(error)


def test_a_replay_of_what_was_recorded_is_answered_and_the_stage_is_kept(tmp_path: Path) -> None:
    path = recorded(tmp_path)
    assert '"stage": "test set"' in path.read_text()
    cassette = Cassette.open(path, recording=False)
    asked = body("Label it.")
    assert cassette.replay(key_of("u", asked), asked, "test set") is not None
    assert cassette.missed == []


def test_changed_lists_every_difference() -> None:
    assert changed({"a": 1, "b": [1, 2]}, {"a": 2, "b": [1], "c": 0}) == [
        "a (1 recorded, 2 asked)",
        "b (2 items recorded, 1 asked)",
        "c (added)",
    ]
