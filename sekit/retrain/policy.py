"""When to retrain: the ``[retrain]`` policy against the loop's history."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sekit.errors import InputError
from sekit.fs import read_records

if TYPE_CHECKING:
    from sekit.config.retrain import Retrain
    from sekit.config.schema import Config

RECORD = "retrain/history.jsonl"


def record_path(config: Config) -> Path:
    settings = config.retrain
    return (settings.record if settings and settings.record else None) or config.root / RECORD


def training_path(config: Config) -> Path:
    """What each training of the loop measured (``model.training_cost`` reads it): beside the
    history."""
    return record_path(config).with_name("training.jsonl")


def history(path: Path) -> list[dict[str, Any]]:
    """The records of earlier runs, oldest first (none when the file does not exist yet).

    A line the policy cannot read is an input error naming the file and the line (exit 2),
    never skipped: the history is the loop's memory, and a record skipped in silence would move
    when it last retrained, and so when it retrains next."""
    found = []
    for number, item in read_records(path, hint="restore the file from git"):
        problem = _unreadable(item)
        if problem:
            raise InputError(
                path,
                f"line {number}: {problem}",
                hint="correct or remove that line (each line is one `sekit retrain` run)",
            )
        found.append(item)
    return found


def _unreadable(item: dict[str, Any]) -> str | None:
    """What the policy cannot use in one record, or None."""
    when = item.get("time")
    try:
        parsed = datetime.fromisoformat(when) if isinstance(when, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        return f"time {when!r} is not an ISO 8601 time with a time zone"
    labels = item.get("labels")
    if labels is not None and (type(labels) is not int or labels < 0):
        return f"labels {labels!r} is not a count (a whole number, 0 or more)"
    trained = item.get("trained", False)
    if not isinstance(trained, bool):
        return f"trained {trained!r} is not true or false"
    return None


def last_retrained(records: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The last record whose run trained a model (promoted or not)."""
    return next((r for r in reversed(records) if r.get("trained")), None)


def count_labels(path: Path) -> int:
    """Rows of the labelled feedback (0 when it does not exist yet)."""
    if not path.exists():
        return 0
    if path.suffix == ".csv":  # a header alone is no labels yet, not an error
        import pandas as pd

        try:
            return len(pd.read_csv(path))
        except pd.errors.EmptyDataError:
            return 0
        except (OSError, ValueError) as exc:
            raise InputError(path, f"cannot read it as CSV: {exc}", key="retrain.labels") from None
    from sekit.subjects.tables import read_table

    return len(read_table(path, key="retrain.labels"))


def triggers(
    config: Config,
    settings: Retrain,
    records: list[dict[str, Any]],
    *,
    now: datetime,
    labels: int | None,
    monitor: Callable[[], tuple[str, str]] | None,
) -> list[str]:
    """Why the policy retrains now (empty: it does not). ``labels`` is the count of labelled
    rows; ``monitor`` runs the monitor suite and returns its verdict and summary."""
    reasons = []
    last = last_retrained(records)
    if settings.min_labels is not None and labels is not None:
        before = int(last.get("labels") or 0) if last else 0
        new = labels - before
        if new >= settings.min_labels:
            reasons.append(f"{new} new labels (min_labels {settings.min_labels})")
    if settings.every is not None:
        if last is None:
            reasons.append("never retrained by the loop (every)")
        else:
            then = datetime.fromisoformat(str(last["time"]))
            age = (now - then).total_seconds()
            if age >= settings.every:
                reasons.append(f"last retrained {age / 86400:.1f} days ago (every)")
    if settings.on_monitor and monitor is not None:
        verdict, summary = monitor()
        if verdict != "pass":
            reasons.append(f"monitor: {summary}")
    return reasons
