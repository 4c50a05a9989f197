"""The retraining loop's commands (``[retrain]``'s pull, train and promote), run in the
project's folder with their output in ``.sekit/retrain/``; the training measured
(:func:`sekit.processes.measured`) and its numbers recorded for ``model.training_cost``."""

from __future__ import annotations

import json
import os
import shlex
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sekit.config.schema import Config

LOGS = Path(".sekit") / "retrain"


class StepFailed(Exception):
    """A step of the loop failed: the loop stops there, the champion stays."""


def command(
    line: str,
    *,
    root: Path,
    key: str,
    timeout: float,
    measured: dict[str, Any] | None = None,
) -> str:
    """Run one configured command in the project's folder; its output's tail, or StepFailed.
    ``measured`` receives what it used (``cpu_seconds``, ``peak_rss_bytes``: the command and
    the processes it waited for, :func:`sekit.processes.measured`)."""
    from sekit import processes

    argv = processes.resolve(shlex.split(line), what=f"retrain.{key}")  # split: [retrain]
    logs = root / LOGS
    logs.mkdir(parents=True, exist_ok=True)
    report = logs / f"{key}.usage.json"
    report.unlink(missing_ok=True)
    if measured is not None:
        argv = processes.measured(argv, report)
    with (logs / f"{key}.log").open("wb") as log:
        started = time.monotonic()
        process = processes.spawn(argv, cwd=root, log=log, env=dict(os.environ))
        code = processes.wait(process, timeout)
        if code is None:
            processes.stop(process)
    usage = processes.usage_of(report)
    if measured is not None:
        measured["wall_seconds"] = round(time.monotonic() - started, 2)
        if usage is not None:
            measured["cpu_seconds"] = round(usage.cpu_seconds, 2)
            measured["peak_rss_bytes"] = usage.peak_rss_bytes
    tail = (logs / f"{key}.log").read_text(errors="replace").strip().splitlines()[-5:]
    if code != 0:
        why = "timed out" if code is None else f"exited {code}"
        raise StepFailed(f"`{line}` {why}: " + " | ".join(tail))
    return tail[-1] if tail else ""


def measured_training(config: Config, entry: dict[str, Any], now: datetime) -> None:
    """Append what the train step measured to the training record (``training.jsonl`` beside
    ``[retrain].record``) at once, so that the gate of this same run reads it
    (``model.training_cost``)."""
    from sekit.retrain.policy import training_path

    keys = ("model_md5", "wall_seconds", "cpu_seconds", "peak_rss_bytes")
    line = {"time": now.isoformat(timespec="seconds"), **{k: entry.get(k) for k in keys}}
    path = training_path(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(line, sort_keys=True) + "\n")
