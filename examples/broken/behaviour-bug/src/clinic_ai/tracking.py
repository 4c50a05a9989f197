"""Experiment tracking in an embedded store: every training run, in SQLite (runs/runs.sqlite).

A run records its parameters, a hash of the training data, the git commit of the code, the
metrics and the model version it produced; so every model (and every prediction, which carries
the model version) traces back to code, data and parameters, and runs can be compared:

    python -m clinic_ai.tracking            # list the runs, newest first
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from clinic_ai.config import paths

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    git_commit TEXT NOT NULL,
    data_hash TEXT NOT NULL,
    params TEXT NOT NULL,
    metrics TEXT,
    model_version TEXT
)
"""


def connect() -> sqlite3.Connection:
    path = paths().runs
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path)
    connection.execute(SCHEMA)
    return connection


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def git_commit() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", *args], capture_output=True, text=True, check=True, cwd=paths().root
        )
        return done.stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        return commit + "-dirty" if git("status", "--porcelain") else commit
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def start_run(params: dict[str, Any], data_hash: str) -> int:
    with connect() as connection:
        started = datetime.now(UTC).isoformat(timespec="seconds")
        cursor = connection.execute(
            "INSERT INTO runs (started_at, git_commit, data_hash, params) VALUES (?, ?, ?, ?)",
            (started, git_commit(), data_hash, json.dumps(params, sort_keys=True)),
        )
        return int(cursor.lastrowid or 0)


def finish_run(
    run_id: int, *, model_version: str | None = None, metrics: dict[str, float] | None = None
) -> None:
    with connect() as connection:
        if model_version is not None:
            connection.execute(
                "UPDATE runs SET model_version = ? WHERE id = ?", (model_version, run_id)
            )
        if metrics is not None:
            connection.execute(
                "UPDATE runs SET metrics = ? WHERE id = ?",
                (json.dumps(metrics, sort_keys=True), run_id),
            )


def runs() -> list[dict[str, Any]]:
    with connect() as connection:
        connection.row_factory = sqlite3.Row
        rows = connection.execute("SELECT * FROM runs ORDER BY id DESC").fetchall()
    return [
        {
            **dict(row),
            "params": json.loads(row["params"]),
            "metrics": json.loads(row["metrics"]) if row["metrics"] else {},
        }
        for row in rows
    ]


def main() -> None:
    for run in runs():
        metrics = ", ".join(f"{k} {v:.3f}" for k, v in sorted(run["metrics"].items()))
        print(
            f"#{run['id']:<4} {run['started_at']}  model {run['model_version'] or '-':<18} "
            f"commit {run['git_commit']:<14} data {run['data_hash'][:8]}  {metrics}"
        )


if __name__ == "__main__":
    main()
