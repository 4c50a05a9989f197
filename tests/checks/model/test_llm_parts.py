"""The LLM checks' parts that need no model: the cost ledger, the chat keys of the config, the
probes Hypothesis draws, what keeps the contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from sekit.checks.model.budget import ledger
from sekit.checks.model.llm.contract import kept
from sekit.checks.model.llm.probes import FAMILIES, draw
from sekit.config.loader import load_config
from sekit.endpoint.client import Call
from sekit.errors import ConfigError, InputError


def test_a_ledger_gives_the_tokens_of_each_call_of_the_run(tmp_path: Path) -> None:
    path = tmp_path / "ledger.jsonl"
    first = '{"prompt_tokens": 140, "completion_tokens": 7}'
    second = '{"prompt_tokens": 150, "completion_tokens": 9, "latency_ms": 3.1}'
    path.write_text(f"{first}\n\n{second}\n")
    assert ledger(path) == [(140, 7), (150, 9)]


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (None, "cannot read the cost ledger"),
        ('{"prompt_tokens": 1}\n', "line 1 is not a call"),
        ('{"prompt_tokens": 1, "completion_tokens": -2}\n', "line 1: token counts"),
        ('{"prompt_tokens": true, "completion_tokens": 2}\n', "line 1: token counts"),
        ("not json\n", "line 1 is not a call"),
    ],
)
def test_a_ledger_that_cannot_be_read_is_an_input_error(
    tmp_path: Path, content: str | None, why: str
) -> None:
    path = tmp_path / "ledger.jsonl"
    if content is not None:
        path.write_text(content)
    with pytest.raises(InputError, match=why) as raised:
        ledger(path)
    assert raised.value.key == "model.ledger"


def test_sampling_keys_belong_to_a_chat_model(tmp_path: Path) -> None:
    (tmp_path / "sekit.toml").write_text(
        '[project]\nname = "x"\n[model]\nendpoint = "http://127.0.0.1:1/predict"\n'
        "temperature = 0.7\n"
    )
    with pytest.raises(ConfigError, match="temperature applies to a chat model"):
        load_config(tmp_path)


def test_probes_are_drawn_again_by_the_same_seed_and_ask_for_another_answer() -> None:
    texts = ["The food was great.", "The room was dirty and cold.", "Nice view."]
    others = {texts[0]: ["negative"], texts[1]: ["positive"], texts[2]: ["negative"]}
    probes = draw(texts, others, 24, seed=3)
    assert probes == draw(texts, others, 24, seed=3) != draw(texts, others, 24, seed=4)
    assert len({p.probe for p in probes}) == len(probes) == 24
    assert {p.family for p in probes} == set(FAMILIES)
    for probe in probes:
        if probe.target is not None:
            assert probe.target in others[probe.text]  # never the answer it already got


@pytest.mark.parametrize(
    ("call", "labels", "keeps"),
    [
        (Call({}, 200, 1.0, prediction="positive"), {"positive", "negative"}, True),
        (Call({}, 200, 1.0, prediction="neutral"), {"positive", "negative"}, False),
        (Call({}, 200, 1.0, error="invalid answer: the message is not JSON"), set(), False),
        (Call({}, 500, 1.0, error="http 500"), set(), None),  # no answer: not the contract's
        (Call({}, None, 1.0, error="timeout"), set(), None),
    ],
)
def test_what_keeps_the_contract(call: Call, labels: set[str], keeps: bool | None) -> None:
    assert kept(call, labels) is keeps
