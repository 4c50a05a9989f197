"""The retraining loop (``sekit retrain``): its policy against the loop's history, and each way
a run stops before promoting (fail closed). The whole loop on a real scaffolded system, with a
browser, a release check and a switch under traffic, is the integration test
(tests/scaffold/test_integration.py::test_the_loop_retrains_promotes_and_switches_without_a_failed_request).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import joblib
import pytest
from click.testing import CliRunner

from sekit.config.loader import load_config
from sekit.retrain import triggers
from sekit.retrain.loop import StepFailed, switch
from sekit_cli.app import cli

NOW = datetime(2026, 12, 5, 12, tzinfo=UTC)
PROMOTE = "python -c \"open('promoted', 'w').close()\""


def config_text(retrain: str, gates: str = "") -> str:
    return f"""
[project]
name = "loop"

[data]
train = "train.csv"
test = "test.csv"
label = "label"

[model]
path = "model.joblib"
task = "classification"

[retrain]
{retrain}

[gates]
{gates}
"""


@pytest.fixture
def project(tmp_path: Path, clean: Any) -> Path:
    """Data, a trained model and a champion: a project the loop can run on (``make.py`` is its
    training command: it writes the data again)."""
    from tests.checks.model.models import frames

    train, test = frames()
    train.to_csv(tmp_path / "source.csv", index=False)
    test.to_csv(tmp_path / "test.csv", index=False)
    joblib.dump(clean, tmp_path / "model.joblib")
    joblib.dump(clean, tmp_path / "champion.joblib")
    (tmp_path / "make.py").write_text(
        "import shutil, sys\nshutil.copy('source.csv', 'train.csv')\n"
        "if len(sys.argv) > 1: sys.exit(int(sys.argv[1]))\n"
    )
    train.to_csv(tmp_path / "train.csv", index=False)
    return tmp_path


def configured(project: Path, retrain: str, gates: str = "") -> Path:
    path = project / "sekit.toml"
    path.write_text(config_text(retrain, gates))
    return path


def records(project: Path) -> list[dict[str, Any]]:
    path = project / "retrain" / "history.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


# --- the policy ----------------------------------------------------------------------------------


def policy(project: Path, retrain: str) -> Any:
    config = load_config(configured(project, retrain))
    assert config.retrain is not None
    return config, config.retrain


@pytest.mark.parametrize(
    ("labels", "before", "fires"),
    [(60, None, True), (49, None, False), (70, 20, True), (69, 20, False), (0, None, False)],
)
def test_new_labels_count_from_the_last_retraining(
    project: Path, labels: int, before: int | None, fires: bool
) -> None:
    config, settings = policy(project, 'min_labels = 50\nlabels = "labels.csv"')
    history = (
        [] if before is None else [{"time": NOW.isoformat(), "trained": True, "labels": before}]
    )
    # a run that did not train does not reset the count
    history.append({"time": NOW.isoformat(), "trained": False, "labels": 65})
    reasons = triggers(config, settings, history, now=NOW, labels=labels, monitor=None)
    assert bool(reasons) is fires
    if fires:
        assert reasons == [f"{labels - (before or 0)} new labels (min_labels 50)"]


@pytest.mark.parametrize(("days", "fires"), [(None, True), (8, True), (7, True), (6.9, False)])
def test_the_schedule_counts_from_the_last_retraining(
    project: Path, days: float | None, fires: bool
) -> None:
    config, settings = policy(project, 'every = "7d"')
    history = (
        []
        if days is None
        else [{"time": (NOW - timedelta(days=days)).isoformat(), "trained": True}]
    )
    reasons = triggers(config, settings, history, now=NOW, labels=None, monitor=None)
    assert bool(reasons) is fires


@pytest.mark.parametrize(("verdict", "fires"), [("fail", True), ("pass", False)])
def test_a_failing_monitor_triggers(project: Path, verdict: str, fires: bool) -> None:
    config, settings = policy(project, "on_monitor = true")
    asked = []

    def monitor() -> tuple[str, str]:
        asked.append(True)
        return verdict, "monitor.accuracy fail: accuracy 0.71 < 0.85 in 2026-12-04 10:00"

    reasons = triggers(config, settings, [], now=NOW, labels=None, monitor=monitor)
    assert asked and bool(reasons) is fires
    if fires:
        assert reasons[0].startswith("monitor: monitor.accuracy fail")


# --- bad configuration: exit 2, nothing run, nothing recorded -----------------------------------


@pytest.mark.parametrize(
    ("retrain", "says"),
    [
        ('train = "python make.py"', "no trigger"),
        ("min_labels = 5", "set labels too"),
        ('every = "1d"\nevry = "2d"', "evry"),
        ("on_monitor = true\nchampion = 'champion.joblib'", "no [monitor] table"),
        ('every = "1d"', "retrain.champion"),
        (
            'every = "1d"\nchampion = "champion.joblib"\ntrain = "  "',
            "the command is empty",
        ),
        (
            'every = "1d"\nchampion = "champion.joblib"\ntrain = "python \'unclosed"',
            "not a command line (No closing quotation)",
        ),
        (
            'every = "1d"\nchampion = "champion.joblib"\nreload = "http://192.0.2.1:8000"',
            "--allow-remote",
        ),
    ],
)
def test_a_bad_retrain_table_exits_2_and_runs_nothing(
    project: Path, runner: CliRunner, retrain: str, says: str
) -> None:
    path = configured(project, retrain + f"\npromote = {json.dumps(PROMOTE)}")
    result = runner.invoke(cli, ["retrain", "--config", str(path)])
    assert result.exit_code == 2, result.output
    assert says in result.output
    assert "Traceback" not in result.output
    assert not (project / "promoted").exists() and records(project) == []


def test_a_dry_run_says_why_and_changes_nothing(project: Path, runner: CliRunner) -> None:
    path = configured(project, 'every = "1d"\nchampion = "champion.joblib"\ntrain = "false"')
    result = runner.invoke(cli, ["retrain", "--dry-run", "--config", str(path)])
    assert result.exit_code == 0, result.output
    assert "would retrain (dry run)" in result.output
    assert "never retrained by the loop" in result.output
    assert records(project) == []


def test_no_trigger_is_recorded_and_trains_nothing(project: Path, runner: CliRunner) -> None:
    retrain = 'every = "1d"\nchampion = "champion.joblib"\ntrain = "python make.py 1"'
    path = configured(project, retrain)
    history = project / "retrain" / "history.jsonl"
    history.parent.mkdir()
    history.write_text(json.dumps({"time": datetime.now(UTC).isoformat(), "trained": True}) + "\n")
    result = runner.invoke(cli, ["retrain", "--config", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["decision"] == "no trigger"
    assert [r["trained"] for r in records(project)] == [True, False]


# --- a step that fails stops the loop: the champion stays (exit 1) ------------------------------


def run_loop(project: Path, runner: CliRunner, retrain: str, gates: str = "") -> dict[str, Any]:
    path = configured(project, retrain + f"\npromote = {json.dumps(PROMOTE)}", gates)
    result = runner.invoke(cli, ["retrain", "--force", "--config", str(path), "--format", "json"])
    assert result.exit_code == 1, result.output
    record = json.loads(result.stdout)
    assert records(project)[-1] == json.loads(json.dumps(record))  # the same record, kept
    assert record["promoted"] is False and not (project / "promoted").exists()
    return record


@pytest.mark.slow
def test_a_training_command_that_fails_stops_the_loop(project: Path, runner: CliRunner) -> None:
    record = run_loop(
        project, runner, 'every = "1d"\nchampion = "champion.joblib"\ntrain = "python make.py 3"'
    )
    assert record["decision"] == "stopped at train"
    assert "exited 3" in record["why"]
    assert [s["step"] for s in record["steps"]] == ["train"]


@pytest.mark.slow
def test_a_model_that_misses_a_gate_is_never_promoted(project: Path, runner: CliRunner) -> None:
    record = run_loop(
        project,
        runner,
        'every = "1d"\nchampion = "champion.joblib"\ntrain = "python make.py"',
        gates='"model.accuracy" = { min = 0.999 }',
    )
    assert record["decision"] == "stopped at gate"
    assert "gate model.accuracy" in record["why"]
    assert record["trained"] is True


@pytest.mark.slow
def test_a_release_that_cannot_be_measured_is_never_promoted(
    project: Path, runner: CliRunner
) -> None:
    """The control of the gate case: the same model passes the gate (a bound it meets, and
    no gate on the monitor, which judges the running system, not the new model), and then the
    release check cannot run (there is no [service]): the loop stops there."""
    record = run_loop(
        project,
        runner,
        'every = "1d"\nchampion = "champion.joblib"\ntrain = "python make.py"',
        gates='"model.accuracy" = { min = 0.8 }\n"monitor.availability" = { min = 0.99 }',
    )
    assert [(s["step"], s["status"]) for s in record["steps"]] == [
        ("train", "ok"),
        ("gate", "ok"),
        ("golden", "skipped"),  # no [retrain].golden: recorded, not hidden
        ("release", "failed"),
    ]
    assert record["decision"] == "stopped at release"


# --- the switch: a real HTTP service on loopback ------------------------------------------------


class Service(BaseHTTPRequestHandler):
    """/health and /admin/reload as the scaffold's service answers them; ``stale`` makes
    /health go on showing the old version (a reload that did not take)."""

    token = "s3cret"
    version = "v1"
    stale = False

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._send(200, {"status": "ok", "model_version": type(self).version})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.headers.get("X-Admin-Token") != self.token:
            self._send(403, {"detail": "wrong or missing X-Admin-Token"})
            return
        new = "v2:" + body["model"]
        if not type(self).stale:
            type(self).version = new
        self._send(200, {"previous": "v1", "model_version": new})

    def log_message(self, *args: Any) -> None:
        pass  # quiet: the test reads the answers, not the server's log


@pytest.fixture
def service() -> Iterator[str]:
    Service.version, Service.stale = "v1", False
    server = ThreadingHTTPServer(("127.0.0.1", 0), Service)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_the_switch_returns_the_versions_before_and_after(
    service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADMIN_TOKEN", "s3cret")
    before, after = switch(
        service, "models:/m@champion", token_env="ADMIN_TOKEN", allow_remote=False
    )
    assert (before, after) == ("v1", "v2:models:/m@champion")


@pytest.mark.parametrize(
    ("token", "stale", "says"),
    [
        ("wrong", False, "answered 403"),
        ("", False, "ADMIN_TOKEN"),
        ("s3cret", True, "serves v1, not v2"),
    ],
)
def test_a_switch_that_does_not_take_fails(
    service: str, monkeypatch: pytest.MonkeyPatch, token: str, stale: bool, says: str
) -> None:
    monkeypatch.setenv("ADMIN_TOKEN", token)
    Service.stale = stale
    with pytest.raises(StepFailed, match=says):
        switch(service, "models:/m@champion", token_env="ADMIN_TOKEN", allow_remote=False)


def test_a_service_that_is_down_fails_the_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("ADMIN_TOKEN", "s3cret")
    with pytest.raises(StepFailed, match="ConnectError"):
        switch(f"http://127.0.0.1:{port}", "m", token_env="ADMIN_TOKEN", allow_remote=False)


# --- what the loop records when it cannot go on --------------------------------------------------


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ({"time": "2026-12-01T10:00:00", "trained": True}, "line 2: time '2026-12-01T10:00:00'"),
        ({"time": "yesterday", "trained": True}, "line 2: time 'yesterday'"),
        ({"time": NOW.isoformat(), "trained": True, "labels": "many"}, "line 2: labels 'many'"),
        ({"time": NOW.isoformat(), "trained": True, "labels": -3}, "line 2: labels -3"),
        ({"time": NOW.isoformat(), "trained": "yes"}, "line 2: trained 'yes'"),
    ],
)
def test_a_history_line_the_policy_cannot_read_exits_2_naming_it(
    project: Path, runner: CliRunner, line: dict[str, Any], says: str
) -> None:
    """It used to exit 3 (a time without a zone cannot be subtracted from now; int("many"))."""
    retrain = 'every = "1d"\nmin_labels = 5\nlabels = "source.csv"\nchampion = "champion.joblib"'
    path = configured(project, retrain + '\ntrain = "python make.py"')
    history = project / "retrain" / "history.jsonl"
    history.parent.mkdir()
    good = {"time": NOW.isoformat(), "trained": True, "labels": 10}
    history.write_text(json.dumps(good) + "\n" + json.dumps(line) + "\n")
    before = history.read_text()
    result = runner.invoke(cli, ["retrain", "--dry-run", "--config", str(path)])
    assert result.exit_code == 2, result.output
    assert f"{history}: {says}" in result.output, result.output
    assert "Traceback" not in result.output
    assert history.read_text() == before  # nothing appended to a history it cannot read


def test_an_input_error_is_recorded_as_one(project: Path, runner: CliRunner) -> None:
    """An unreadable labels file exits 2; the record used to say "interrupted"."""
    (project / "labels.jsonl").write_text("{not json\n")
    retrain = 'min_labels = 5\nlabels = "labels.jsonl"\nchampion = "champion.joblib"'
    path = configured(project, retrain + '\ntrain = "python make.py"')
    result = runner.invoke(cli, ["retrain", "--config", str(path)])
    assert result.exit_code == 2, result.output
    [record] = records(project)
    assert record["decision"] == "input error"
    assert "labels.jsonl" in record["why"]


@pytest.mark.slow
def test_a_run_stopped_by_sigterm_records_the_step_as_interrupted(project: Path) -> None:
    """SIGTERM (a CI job cancelled) during training used to leave the train step "ok"."""
    import os
    import signal
    import subprocess
    import sys
    import time

    started = project / "started"
    train = f"python -c \\\"open('{started.name}', 'w').close(); import time; time.sleep(60)\\\""
    path = configured(project, f'every = "1d"\nchampion = "champion.joblib"\ntrain = "{train}"')
    process = subprocess.Popen(
        [sys.executable, "-m", "sekit", "retrain", "--config", str(path)],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert started.exists(), process.communicate()[0]
    os.kill(process.pid, signal.SIGTERM)
    output = process.communicate(timeout=60)[0].decode()
    assert process.returncode == 130, output
    [record] = records(project)
    assert record["decision"] == "interrupted"
    assert [(s["step"], s["status"]) for s in record["steps"]] == [("train", "interrupted")]
    assert record["trained"] is False


# --- the golden rows: the same held-out rows for every challenger and champion -------------------


@pytest.mark.parametrize(
    ("lost", "won", "margin", "promote", "says"),
    [
        (0, 0, 0.0, True, "not worse than the champion"),
        (3, 5, 0.0, True, "not worse than the champion"),
        (3, 2, 0.0, False, "no loss is allowed"),  # one golden row worse: refused
        (3, 2, 0.02, True, "not worse than the champion"),  # inside the margin, not beyond chance
        (12, 2, 0.2, False, "beyond chance"),  # inside the margin, but McNemar finds it worse
        (30, 2, 0.02, False, "a margin of 0.02"),
    ],
)
def test_the_golden_rule_is_non_inferiority_with_mcnemar(
    lost: int, won: int, margin: float, promote: bool, says: str
) -> None:
    from sekit.retrain.golden import decide

    rows = 200
    champion = [0.0] * rows  # loss per row: 1 = a wrong class
    challenger = [0.0] * rows
    champion[lost : lost + won] = [1.0] * won  # rows only the challenger gets right
    challenger[:lost] = [1.0] * lost  # rows only the champion gets right
    champion[190:], challenger[190:] = [1.0] * 10, [1.0] * 10  # both wrong: not evidence
    comparison = decide(challenger, champion, classification=True, margin=margin)
    assert (comparison.lost, comparison.won) == (lost, won)
    assert comparison.promote is promote and says in comparison.why, comparison.why


def wrong_corrections_model(clean: Any, share: float, seed: int) -> Any:
    """The champion's learner, trained again with the labels of ``share`` of the rows flipped
    (corrections that were all wrong)."""
    import numpy as np
    from sklearn.base import clone

    from tests.checks.data.faults import LABEL
    from tests.checks.model.models import frames

    train, _ = frames()
    flipped = np.random.default_rng(seed).random(len(train)) < share
    train.loc[flipped, LABEL] = 1 - train.loc[flipped, LABEL]
    return clone(clean).fit(train.drop(columns=[LABEL]), train[LABEL])


@pytest.mark.slow
@pytest.mark.parametrize(("challenger", "golden_status"), [("worse", "failed"), ("same", "ok")])
def test_a_model_worse_on_the_golden_rows_is_never_promoted(
    project: Path, runner: CliRunner, clean: Any, challenger: str, golden_status: str
) -> None:
    """Wrong corrections fed back made each retrained model worse (0.977, 0.954, 0.943), each
    measured on a test split of its own: the loop went on promoting. On golden rows it stops."""
    model = wrong_corrections_model(clean, 0.3, seed=1) if challenger == "worse" else clean
    joblib.dump(model, project / "challenger.joblib")
    train = "python -c \\\"import shutil; shutil.copy('challenger.joblib', 'model.joblib')\\\""
    retrain = f'every = "1d"\nchampion = "champion.joblib"\ngolden = "test.csv"\ntrain = "{train}"'
    record = run_loop(project, runner, retrain)
    steps = {s["step"]: s for s in record["steps"]}
    assert steps["golden"]["status"] == golden_status, steps
    golden = steps["golden"]["golden"]
    if challenger == "worse":
        assert record["decision"] == "stopped at golden"
        assert golden["lost"] > golden["won"] and golden["challenger"] < golden["champion"]
        assert "release" not in steps
    else:  # the same model: nothing lost, the loop goes on (to a release it cannot measure)
        assert (golden["lost"], golden["won"]) == (0, 0)
        assert record["decision"] == "stopped at release"
