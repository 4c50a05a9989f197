"""Every grading run in SQLite (``--db``), so a team's trend across milestones is shown."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from sekit.grade.model import ClassReport

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    graded_at TEXT NOT NULL,
    rubric_version TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS grades (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    path TEXT NOT NULL,
    team TEXT NOT NULL,
    score REAL,
    mlts_final REAL,
    sections TEXT NOT NULL,
    commit_id TEXT
);
CREATE INDEX IF NOT EXISTS grades_by_path ON grades(path);
"""


def _connect(db: Path) -> sqlite3.Connection:
    db.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(db)
    connection.executescript(SCHEMA)
    return connection


def previous_scores(db: Path, path: str, limit: int = 5) -> list[float]:
    """The team's earlier scores, oldest first."""
    if not db.exists():
        return []
    with _connect(db) as connection:
        rows = connection.execute(
            "SELECT score FROM grades WHERE path = ? AND score IS NOT NULL "
            "ORDER BY run_id DESC LIMIT ?",
            (path, limit),
        ).fetchall()
    return [float(row[0]) for row in reversed(rows)]


def record(db: Path, report: ClassReport) -> int:
    with _connect(db) as connection:
        cursor = connection.execute(
            "INSERT INTO runs (graded_at, rubric_version) VALUES (?, ?)",
            (report.graded_at, report.rubric_version),
        )
        run_id = int(cursor.lastrowid or 0)
        connection.executemany(
            "INSERT INTO grades VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    run_id,
                    team.path,
                    team.team,
                    team.score,
                    team.mlts.final if team.mlts else None,
                    json.dumps(team.sections),
                    team.commit,
                )
                for team in report.teams
            ],
        )
    return run_id
