"""The feedback store: the true labels that came back for served requests, by request id.

``[monitor].feedback`` (or ``[experiment].feedback``) names it: the scaffold's SQLite table
``feedback`` (``request_id``, ``label``), or a CSV / JSON-lines file with ``request_id`` and
``label`` (or the ``[data].label`` column). The monitor's accuracy and fairness, the
experiment's ``accuracy`` metric and ``sekit trace`` all read it here.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sekit.errors import InputError

if TYPE_CHECKING:
    import pandas as pd


def read_feedback(path: Path, label: str | None) -> pd.DataFrame:
    """request_id and label of every request that received one."""
    import sqlite3

    import pandas as pd

    if not path.exists():
        return pd.DataFrame(columns=["request_id", "label"])
    try:
        if path.suffix in (".sqlite", ".sqlite3", ".db"):
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
                frame = pd.read_sql("SELECT request_id, label FROM feedback", connection)
        elif path.suffix in (".jsonl", ".json"):
            frame = pd.read_json(path, lines=path.suffix == ".jsonl")
        else:
            frame = pd.read_csv(path)
    except (OSError, ValueError, sqlite3.Error, pd.errors.ParserError) as exc:
        raise InputError(
            path, f"cannot read the feedback store: {exc}", key="monitor.feedback"
        ) from None
    if "label" not in frame.columns and label is not None and label in frame.columns:
        frame = frame.rename(columns={label: "label"})
    missing = [c for c in ("request_id", "label") if c not in frame.columns]
    if missing:
        raise InputError(
            path,
            f"the feedback store has no {' or '.join(missing)} column",
            key="monitor.feedback",
        )
    return frame[["request_id", "label"]].drop_duplicates("request_id", keep="last")


def as_labels(values: pd.Series) -> pd.Series:
    """Class labels as text, so that 1, 1.0 and "1" (JSON, CSV and SQLite spell them
    differently) are one class; missing stays missing."""

    def label(value: Any) -> str | None:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    return values.map(label)
