"""Cassettes: what is recorded replays, whatever the texts hold, and a cassette never lives
(nor is overwritten) outside the project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sekit.endpoint.cassette import Cassette, Recorded, key_of
from sekit_cli.app import cli

# What the text behaviour tests generate: every character str.splitlines() splits on but "\n"
LINE_BREAKS = ["\u0085", "\u2028", "\u2029", "\x1c", "\x1d", "\x1e", "\x0b", "\x0c", "\r"]


def recorded(path: Path, texts: list[str]) -> None:
    cassette = Cassette.open(path, recording=True)
    for text in texts:
        body = {"text": text}
        cassette.record(key_of("http://x/predict", body), body, Recorded(200, {"label": text}, 1.0))
    cassette.save()


def test_a_recording_of_texts_with_line_separators_replays(tmp_path: Path) -> None:
    path = tmp_path / "cassette.jsonl"
    texts = [f"a{c}b" for c in LINE_BREAKS] + ["plain", "caf\xe9 \U0001f600"]
    recorded(path, texts)
    replayed = Cassette.open(path, recording=False)
    for text in texts:
        body = {"text": text}
        answer = replayed.replay(key_of("http://x/predict", body), body)
        assert answer is not None and answer.answer == {"label": text}
    # one call a line, whatever reads the file (an editor, a diff, str.splitlines)
    assert len(path.read_text(encoding="utf-8").splitlines()) == len(texts)
    assert "caf\xe9" in path.read_text(encoding="utf-8")  # still readable by a reviewer


def test_a_cassette_written_before_the_fix_still_replays(tmp_path: Path) -> None:
    """The old format: U+2028 raw inside a line (ensure_ascii=False)."""
    body = {"text": "one\u2028two"}
    key = key_of("http://x/predict", body)
    line = json.dumps(
        {"key": key, "body": body, "answers": [{"status": 200, "answer": {"label": "pos"},
                                                 "latency_ms": 3.0, "error": None}]},
        ensure_ascii=False,
    )  # fmt: skip
    path = tmp_path / "old.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    answer = Cassette.open(path, recording=False).replay(key, body)
    assert answer is not None and answer.answer == {"label": "pos"}


@pytest.mark.parametrize("where", ["../elsewhere/endpoint.jsonl", "{outside}/endpoint.jsonl"])
def test_a_cassette_outside_the_project_is_refused_and_never_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    project, outside = tmp_path / "project", tmp_path / "elsewhere"
    project.mkdir()
    outside.mkdir()
    precious = outside / "endpoint.jsonl"
    precious.write_text("not a cassette: somebody's file\n")
    (project / "sekit.toml").write_text(
        '[project]\nname = "x"\n[data]\ntest = "test.csv"\nlabel = "label"\n[model]\n'
        'endpoint = "http://127.0.0.1:9/predict"\n'
        f'cassette = "{where.format(outside=outside)}"\n'
    )
    (project / "test.csv").write_text("text,label\ngood,pos\n")
    monkeypatch.chdir(project)
    for args in (["check", "model"], ["check", "model", "--record"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2, result.output
        assert "model.cassette" in result.stderr and "outside the project" in result.stderr
        assert "record it again" not in result.output
    assert precious.read_text() == "not a cassette: somebody's file\n"


def test_recording_never_replaces_a_file_that_is_not_a_cassette(tmp_path: Path) -> None:
    from sekit.errors import InputError

    data = tmp_path / "test.csv"
    data.write_text("text,label\ngood,pos\n")
    with pytest.raises(InputError, match="not a cassette sekit wrote"):
        Cassette.open(data, recording=True)
    assert data.read_text() == "text,label\ngood,pos\n"
    recorded(tmp_path / "cassette.jsonl", ["old"])
    recorded(tmp_path / "cassette.jsonl", ["new"])  # a cassette: replaced
    assert "new" in (tmp_path / "cassette.jsonl").read_text()
