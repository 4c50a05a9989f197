"""``model.training_cost``: the training command's cost as ``sekit retrain`` measured it. The
kernel's count covers a process the command waited for (a grandchild that holds 300 MB is
seen); the record of the training that made the model is read, one that made another model is
not measured; and, end to end, a gate on the peak memory stops the loop."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import joblib
import pytest
from click.testing import CliRunner

from sekit import processes
from sekit.checks.context import Context
from sekit.checks.model.training_cost import check_training_cost
from sekit.config.loader import load_config
from sekit.provenance import md5
from sekit_cli.app import cli
from tests.test_retrain import configured, project, records  # noqa: F401  (the fixture)

HOLD = (
    "import subprocess, sys\n"
    "subprocess.run([sys.executable, '-c', 'b = bytearray({size}); b[::4096] = "
    "bytes(len(b[::4096])); import time; time.sleep(0.2)'], check=True)\n"
)


def usage(folder: Path, size: int) -> processes.Usage | None:
    script, report = folder / "hold.py", folder / "usage.json"
    script.write_text(HOLD.format(size=size))
    with (folder / "log").open("wb") as log:
        argv = processes.measured([sys.executable, str(script)], report)
        child = processes.spawn(argv, cwd=folder, log=log)
        assert processes.wait(child, 60) == 0
    return processes.usage_of(report)


def test_the_peak_of_a_process_the_command_waited_for_is_counted(tmp_path: Path) -> None:
    held = usage(tmp_path, 300_000_000)
    assert held is not None and held.peak_rss_bytes > 300_000_000
    # sekit's own memory (this test process holds pandas and scikit-learn) is not counted
    light = usage(tmp_path, 1_000)
    assert light is not None and light.peak_rss_bytes < 60_000_000


def recorded(project: Path, **line: Any) -> None:  # noqa: F811
    folder = project / "retrain"
    folder.mkdir(exist_ok=True)
    with (folder / "training.jsonl").open("a") as handle:
        handle.write(json.dumps(line) + "\n")


def judged(project: Path) -> Any:  # noqa: F811
    config = load_config(configured(project, 'every = "1d"\ntrain = "python make.py"'))
    return check_training_cost(Context(config))


def test_the_training_that_made_the_model_is_read_and_another_is_not(project: Path) -> None:  # noqa: F811
    assert judged(project).status == "skipped"  # nothing measured yet
    made = md5(project / "model.joblib")
    recorded(
        project, time="t1", model_md5="0" * 32, wall_seconds=1, cpu_seconds=1, peak_rss_bytes=1
    )
    recorded(project, time="t2", model_md5=made, wall_seconds=12.5, cpu_seconds=20.0,
             peak_rss_bytes=250_000_000)  # fmt: skip
    found = judged(project)
    assert found.status == "pass", found.summary
    assert found.metrics == {
        "training_seconds": 12.5,
        "training_cpu_seconds": 20.0,
        "training_peak_bytes": 250_000_000.0,
    }
    joblib.dump({"another": "model"}, project / "model.joblib")  # trained by hand since
    other = judged(project)
    assert other.status == "error" and "not measured" in other.summary


def test_a_training_without_its_peak_is_not_measured(project: Path) -> None:  # noqa: F811
    recorded(project, time="t", model_md5=md5(project / "model.joblib"), wall_seconds=3.0)
    found = judged(project)
    assert found.status == "error"
    assert "cpu_seconds" in found.summary or "training_cpu_seconds" in found.summary


@pytest.mark.slow
@pytest.mark.parametrize(("size", "stopped"), [(400_000_000, True), (1_000, False)])
def test_a_gate_on_the_training_peak_stops_the_loop(
    project: Path,  # noqa: F811
    runner: CliRunner,
    size: int,
    stopped: bool,
) -> None:
    (project / "hold.py").write_text(HOLD.format(size=size))
    (project / "make.py").write_text(
        "import runpy, shutil\nshutil.copy('source.csv', 'train.csv')\nrunpy.run_path('hold.py')\n"
    )
    path = configured(
        project,
        'every = "1d"\nchampion = "champion.joblib"\ntrain = "python make.py"\n'
        "promote = \"python -c \\\"open('promoted', 'w').close()\\\"\"",
        gates='"model.training_peak_bytes" = { max = 200_000_000 }',
    )
    result = runner.invoke(cli, ["retrain", "--force", "--config", str(path), "--format", "json"])
    record = records(project)[-1]
    [train] = [s for s in record["steps"] if s["step"] == "train"]
    assert (train["peak_rss_bytes"] > 400_000_000) is stopped
    assert ("model.training_peak_bytes" in record.get("why", "")) is stopped, result.output
