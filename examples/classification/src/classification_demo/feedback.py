"""The feedback loop: true labels for served predictions, back into the training data.

``POST /feedback`` stores a label for a request id (SQLite, logs/feedback.sqlite). Running
this module joins the labels with the logged inputs and writes feedback/labelled.csv, which the
next ``dvc repro`` adds to the training data (the sanitize stage depends on it):
``python -m classification_demo.feedback``

The retraining workflow runs where the service's store is not. There

    python -m classification_demo.feedback --from https://your-service

pulls the same rows from the deployed service's ``GET /admin/feedback`` (the token in the
environment variable ADMIN_TOKEN); with the environment variable FEEDBACK_URL set, the plain
command does.

feedback/labelled.csv is small and committed with the code, so a review sees which labels
changed a model. When it grows large, hand it to DVC: ``git rm --cached
feedback/labelled.csv && dvc add feedback/labelled.csv``.
"""

from __future__ import annotations

import argparse
import io
import os
import sqlite3
from datetime import UTC, datetime

import pandas as pd

from classification_demo.config import FEATURES, LABEL, paths

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
    from classification_demo.monitor import ANSWERS

    known, answer = ANSWERS.get(request_id)
    if not known:
        return None
    with connect() as connection:
        connection.execute(
            "INSERT OR REPLACE INTO feedback VALUES (?, ?, ?)",
            (request_id, str(label), datetime.now(UTC).isoformat()),
        )
    return answer


def labelled() -> pd.DataFrame:
    """Served inputs that received a true label, in the raw data's columns."""
    from classification_demo.monitor import served

    with connect() as connection:
        labels = pd.read_sql("SELECT request_id, label FROM feedback", connection)
    rows = served().merge(labels, on="request_id")
    rows[LABEL] = rows["label"]
    return rows[[*FEATURES, LABEL]]


def pulled(url: str) -> pd.DataFrame:
    """The labelled rows of the service at ``url`` (``GET /admin/feedback``)."""
    import httpx

    token = os.environ.get("ADMIN_TOKEN", "")
    answer = httpx.get(
        f"{url.rstrip('/')}/admin/feedback", headers={"X-Admin-Token": token}, timeout=60
    )
    if answer.status_code != 200:
        raise SystemExit(f"{url}/admin/feedback answered {answer.status_code}: {answer.text[:200]}")
    return pd.read_csv(io.StringIO(answer.text))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write feedback/labelled.csv.")
    parser.add_argument(
        "--from",
        dest="url",
        default=os.environ.get("FEEDBACK_URL"),
        help="pull from this service's /admin/feedback instead of logs/feedback.sqlite",
    )
    url = parser.parse_args(argv).url
    rows = pulled(url) if url else labelled()
    target = paths().feedback_labelled
    target.parent.mkdir(parents=True, exist_ok=True)
    rows.to_csv(target, index=False)
    print(f"{len(rows)} labelled requests written to {target}; `dvc repro` uses them")


if __name__ == "__main__":
    main()
