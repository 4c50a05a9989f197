"""The feedback loop: true labels for served predictions, back into the training data.

``POST /feedback`` stores a label for a request id (SQLite, logs/feedback.sqlite). Running
this module joins the labels with the logged inputs and writes feedback/labelled.csv, which the
next ``dvc repro`` adds to the training data (the sanitize stage depends on it):
``python -m regression_demo.feedback``

feedback/labelled.csv is small and committed with the code, so a review sees which labels
changed a model. When it grows large, hand it to DVC: ``git rm --cached
feedback/labelled.csv && dvc add feedback/labelled.csv``.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pandas as pd

from regression_demo.config import FEATURES, LABEL, paths

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    request_id TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    received_at TEXT NOT NULL
)
"""


def connect() -> sqlite3.Connection:
    path = paths().feedback
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path)
    connection.execute(SCHEMA)
    return connection


def store(request_id: str, label: object) -> object | None:
    """Store the true label of a served request; return the answer it was served (None if the
    request id is unknown)."""
    from regression_demo.monitor import served

    log = served()
    if log.empty or "request_id" not in log.columns:
        return None
    found = log[log["request_id"] == request_id]
    if found.empty:
        return None
    with connect() as connection:
        connection.execute(
            "INSERT OR REPLACE INTO feedback VALUES (?, ?, ?)",
            (request_id, str(label), datetime.now(UTC).isoformat()),
        )
    return found["answer_progression"].iloc[-1]


def labelled() -> pd.DataFrame:
    """Served inputs that received a true label, in the raw data's columns."""
    from regression_demo.monitor import served

    with connect() as connection:
        labels = pd.read_sql("SELECT request_id, label FROM feedback", connection)
    rows = served().merge(labels, on="request_id")
    rows[LABEL] = rows["label"].astype(float)
    return rows[[*FEATURES, LABEL]]


def main() -> None:
    rows = labelled()
    target = paths().feedback_labelled
    target.parent.mkdir(parents=True, exist_ok=True)
    rows.to_csv(target, index=False)
    print(f"{len(rows)} labelled requests written to {target}; `dvc repro` uses them")


if __name__ == "__main__":
    main()
