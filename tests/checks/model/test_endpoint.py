"""A model sekit can only call: three real text classifiers on loopback (tests/endpoints),
checked with nothing configured but the test data and the endpoint. The careful one passes;
the case- and punctuation-sensitive one and the one that answers 500 to non-ASCII text fail,
each with the shortest text that shows its bug. Recorded once, the same verdict comes back
with the endpoint stopped."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sekit_cli.app import cli
from tests.endpoints.reviews import reviews
from tests.endpoints.serve import Endpoint

pytestmark = pytest.mark.services

ROOT = Path(__file__).resolve().parents[3]
CONFIG = """
[project]
name = "reviews"

[data]
test = "test.csv"
label = "label"

[model]
endpoint = "{url}{path}"
input = "text"
{extra}
"""


@pytest.fixture(scope="module")
def endpoints(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Endpoint]]:
    logs = tmp_path_factory.mktemp("endpoints")
    started = {
        kind: Endpoint(kind, logs / f"{kind}.log")
        for kind in ("careful", "sensitive", "ascii_only")
    }
    yield started
    for endpoint in started.values():
        endpoint.stop()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Path]:
    monkeypatch.setenv("CI", "true")  # derandomized: the same examples every run

    def make(url: str, extra: str = 'output = "label"', path: str = "/predict") -> Path:
        with (tmp_path / "test.csv").open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["text", "label"])
            writer.writerows(reviews(300, seed=7))
        (tmp_path / "sekit.toml").write_text(CONFIG.format(url=url, extra=extra, path=path))
        monkeypatch.chdir(tmp_path)
        return tmp_path

    return make


def checked(*args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(cli, ["check", *args, "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def failures(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        f["evidence"].get("property", f["kind"]): f
        for c in report["checks"]
        for f in c["findings"]
        if f["severity"] == "fail"
    }


def test_the_careful_endpoint_passes(endpoints: dict[str, Endpoint], project: Any) -> None:
    project(endpoints["careful"].url)
    code, report = checked()
    assert code == 0, failures(report)
    checks = {c["id"]: c for c in report["checks"]}
    assert checks["model.text_behaviour"]["status"] == "pass"
    assert report["metrics"]["model.accuracy"] > 0.9
    assert report["metrics"]["endpoint.error_rate"] == 0.0
    assert report["metrics"]["behaviour.cases"] > 300


def test_a_case_and_punctuation_sensitive_endpoint_fails_with_the_shortest_text(
    endpoints: dict[str, Endpoint], project: Any
) -> None:
    project(endpoints["sensitive"].url)
    code, report = checked("model")
    assert code == 1
    found = failures(report)
    case = found["invariance to case"]
    assert case["kind"] == "invariance_violation"
    [example] = case["evidence"]["example"]
    assert example["answer"] != example["edited answer"]
    assert example["text"].lower() == example["edited"].lower()  # only the case changed
    assert len(example["text"].split()) <= 3  # shrunk from a whole review
    # the message (what the terminal shows) has the edit that broke it and both answers
    for shown in ("text", "answer", "edited", "edited answer"):
        assert repr(example[shown]) in case["message"], case["message"]
    assert "invariance to punctuation" in found


def test_an_endpoint_that_fails_on_non_ascii_text_is_shown_the_character(
    endpoints: dict[str, Endpoint], project: Any
) -> None:
    project(endpoints["ascii_only"].url)
    code, report = checked("model")
    assert code == 1
    crash = failures(report)["an answer for every generated text"]
    assert crash["kind"] == "crash" and "http 500" in crash["message"]
    [example] = crash["evidence"]["example"]
    assert len(example["text"]) == 1 and not example["text"].isascii()  # one character
    assert report["metrics"]["endpoint.error_rate"] > 0


def test_record_then_replay_without_the_endpoint(tmp_path: Path, project: Any) -> None:
    endpoint = Endpoint("sensitive", tmp_path / "endpoint.log")
    try:
        root = project(endpoint.url, extra='output = "label"\ncassette = "cassettes/reviews.jsonl"')
        recorded_code, recorded = checked("model", "--record")
    finally:
        endpoint.stop()
    cassette = root / "cassettes" / "reviews.jsonl"
    assert cassette.is_file() and cassette.read_text().count("\n") > 300
    replayed_code, replayed = checked("model")  # the endpoint is gone: answers from the file
    assert (replayed_code, set(failures(replayed))) == (recorded_code, set(failures(recorded)))
    assert replayed["metrics"]["model.accuracy"] == recorded["metrics"]["model.accuracy"]

    # a new input the cassette has not seen: exit 2, naming the cassette and what to do
    with (root / "test.csv").open("a") as handle:
        handle.write("A review nobody recorded,positive\n")
    missing = CliRunner().invoke(cli, ["check", "model"])
    assert missing.exit_code == 2
    assert "the cassette has no answer for 1 request" in missing.stderr
    assert "--record" in missing.stderr


SCHEMA = {
    "type": "object",
    "properties": {"sentiment": {"enum": ["positive", "negative"]}},
    "required": ["sentiment"],
}
CHAT = """
protocol = "openai"
llm = "careful-reviewer"
prompt = "Is this review positive or negative? Answer in JSON with the key sentiment.\\n\\n{text}"
answer_schema = "answer.json"
output = "sentiment"
[model.prices]
input_per_1k = 0.5
output_per_1k = 1.5
# the stand-in counts words, so the injected instructions move it (model.injection fails it,
# rightly); injection is measured on the real chat model in tests/checks/model/test_llm.py
[model.injection]
probes = 0
"""


def test_an_llm_behind_chat_completions_is_checked_and_priced(
    endpoints: dict[str, Endpoint], project: Any
) -> None:
    root = project(endpoints["careful"].url, extra=CHAT, path="/v1/chat/completions")
    (root / "answer.json").write_text(json.dumps(SCHEMA))
    code, report = checked("model")
    assert code == 0, failures(report)
    assert report["metrics"]["model.accuracy"] > 0.9
    words = report["metrics"]["endpoint.tokens_per_call"]
    assert 15 < words < 40  # the prompt's words and the JSON answer's
    assert report["metrics"]["endpoint.cost_per_call"] > 0.005

    # an answer that does not match the schema is no answer: never a crash, never a pass
    (root / "answer.json").write_text(json.dumps({**SCHEMA, "required": ["label"]}))
    code, report = checked("model")
    assert code == 1
    assert report["metrics"]["endpoint.error_rate"] == 1.0
    [errors] = next(c for c in report["checks"] if c["id"] == "model.endpoint")["findings"]
    assert "does not match the answer schema" in errors["message"]
