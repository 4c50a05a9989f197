"""Saving and loading ``.sekit/report.json`` (atomically)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from sekit.errors import ReportError
from sekit.fs import atomic_write_text
from sekit.report.model import Report

REPORT_DIR = ".sekit"
REPORT_NAME = "report.json"


def default_report_path(root: Path) -> Path:
    return root / REPORT_DIR / REPORT_NAME


def to_json(report: Report) -> str:
    return report.model_dump_json(indent=2) + "\n"


def save_report(report: Report, path: Path) -> Path:
    """Write the report atomically: a reader sees the previous report or this one, never half."""
    atomic_write_text(path, to_json(report))
    return path


def load_report(path: Path) -> Report:
    """Read a saved report; any problem is a one-line :class:`ReportError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportError(
            path, "report not found", hint="run `sekit check` or `sekit gate` first"
        ) from None
    except IsADirectoryError:
        raise ReportError(path, "is a folder, not a report file") from None
    except UnicodeDecodeError:
        raise ReportError(path, "not a text file; expected a sekit report.json") from None
    except OSError as exc:
        raise ReportError(path, f"cannot read the report ({exc.strerror})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportError(
            path,
            f"not valid JSON (line {exc.lineno}, column {exc.colno})",
            hint="was the report written by sekit?",
        ) from None
    try:
        return Report.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "top level"
        raise ReportError(path, f"not a sekit report: {where}: {first['msg']}") from None
