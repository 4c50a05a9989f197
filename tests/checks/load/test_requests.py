"""Requests with path parameters and plain-text list answers: how they are formed and read
(fast), and a real Locust run against a service that answers GET /recommend/<user>."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sekit.checks.load.requests import list_problem, planned
from sekit.config.schema import Service
from sekit.errors import InputError
from sekit_cli.app import cli

HERE = Path(__file__).parent


def service(**keys: object) -> Service:
    return Service.model_validate({"command": "serve {port}", **keys})


def test_path_parameters_are_filled_from_each_payload_url_encoded() -> None:
    get = service(endpoint="/recommend/{user_id}", method="GET")
    made = planned(get, [{"user_id": 17}, {"user_id": "a b/c"}])
    assert [(r.path, r.body) for r in made] == [
        ("/recommend/17", None),
        ("/recommend/a%20b%2Fc", None),
    ]
    post = service(endpoint="/users/{user}/score")
    (one,) = planned(post, [{"user": 3, "age": 40}])
    assert (one.path, one.body) == ("/users/3/score", {"age": 40})  # the rest is the body
    assert [r.path for r in planned(service(), [{"x": 1}])] == ["/predict"]


@pytest.mark.parametrize(
    ("payloads", "message"),
    [
        ([], "give their values"),
        ([{"user": 1}], "has no 'user_id'"),
        ([{"user_id": 1, "age": 3}], "a GET sends no body"),
        ([5], "not a JSON object"),
    ],
)
def test_payloads_that_cannot_fill_the_path_are_input_errors(payloads, message) -> None:
    with pytest.raises(InputError, match=message):
        planned(service(endpoint="/recommend/{user_id}", method="GET"), payloads)


@pytest.mark.parametrize(
    ("text", "limit", "problem"),
    [
        ("1,2,3", 20, None),
        (" 1, 2 ,3 ", 3, None),
        ("", 20, "empty list"),
        ("1,,2", 20, "an empty item"),
        ("1,2,1", 20, "an item twice"),
        ("1,2,3", 2, "more than 2 items"),
    ],
)
def test_a_list_answer_is_read_as_a_client_would(text, limit, problem) -> None:
    assert list_problem(text, limit) == problem


@pytest.mark.services
@pytest.mark.slow
@pytest.mark.parametrize("mode", ["good", "duplicates"])
def test_locust_calls_get_with_the_path_parameter_and_counts_invalid_lists(
    mode: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = tmp_path / "seen.txt"
    (tmp_path / "users.json").write_text(json.dumps([{"user_id": u} for u in range(1, 9)]))
    (tmp_path / "sekit.toml").write_text(
        f"""
[project]
name = "films"
[service]
command = "{sys.executable} {HERE / "lists_service.py"} --port {{port}} --mode {mode} --seen {seen}"
endpoint = "/recommend/{{user_id}}"
method = "GET"
payload = "users.json"
answer = "list"
[load]
users = 4
spawn_rate = 4
duration = "3s"
warmup = "0.5s"
rate = 10
"""
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["check", "load", "--format", "json"])
    metrics = json.loads(result.stdout)["metrics"]
    assert set(seen.read_text().splitlines()) <= {f"/recommend/{u}" for u in range(1, 9)}
    assert len(set(seen.read_text().splitlines())) >= 6  # the users cycled through
    if mode == "good":
        assert result.exit_code == 0, result.output
        assert metrics["load.error_rate"] == 0
    else:
        assert result.exit_code == 1
        assert 0.3 < metrics["load.error_rate"] < 0.7  # every other user's list repeats an item


@pytest.mark.parametrize("module", ["_open", "_closed"])
@pytest.mark.parametrize(
    ("text", "limit"),
    [("", None), ("1,2,3", None), ("1,,2", None), ("1,1", None), ("1,2,3", 2), (" 4 , 5 ", 2)],
)
def test_the_locustfiles_copy_of_the_list_rule_is_the_same(
    module: str, text: str, limit: int | None
) -> None:
    """The open and closed locustfiles run without sekit, so each holds a copy of the rule."""
    import ast

    from sekit.checks.load import requests

    source = (Path(requests.__file__).parent / f"{module}.py").read_text()
    [copy] = [
        node
        for node in ast.parse(source).body
        if isinstance(node, ast.FunctionDef) and node.name == "_list_problem"
    ]
    scope: dict[str, object] = {}
    exec(compile(ast.Module([copy], []), module, "exec"), scope)
    rule: Any = scope["_list_problem"]
    assert rule(text, limit) == requests.list_problem(text, limit)
