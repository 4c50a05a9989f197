"""Reading datasets: CSV, Parquet or JSON Lines, chosen by extension.

Every way a file can be unusable becomes a one-line :class:`~sekit.errors.DataLoadError` that
names the file (and the config key) and says what to do: missing, empty, header only, not text,
wrong encoding, ragged rows, garbled JSON, a label column that is absent.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from sekit.errors import DataLoadError, did_you_mean

if TYPE_CHECKING:
    import pandas as pd

CSV = (".csv", ".tsv", ".txt")
PARQUET = (".parquet", ".pq")
JSONL = (".jsonl", ".ndjson")
SUPPORTED = "csv, parquet or jsonl"
_SNIFF = 64 * 1024


def read_table(path: Path, *, key: str | None = None) -> pd.DataFrame:
    """Read one dataset; the error names ``key`` (e.g. ``data.train``) when given."""
    suffix = path.suffix.lower()
    if suffix not in (*CSV, *PARQUET, *JSONL):
        raise DataLoadError(
            path,
            f"unsupported file type {suffix or '(no extension)'!r}",
            key=key,
            hint=f"use {SUPPORTED}",
        )
    if not path.exists():
        from sekit.dvcfiles import tracked

        versioned = tracked(path)
        raise DataLoadError(
            path,
            "file not found",
            key=key,
            hint=versioned.missing_hint()
            if versioned
            else "check the path in the config, or run the pipeline that produces it",
        )
    if path.is_dir():
        raise DataLoadError(path, "is a folder, not a data file", key=key)
    try:
        size = path.stat().st_size
        head = path.open("rb").read(_SNIFF)
    except OSError as exc:
        raise DataLoadError(path, f"cannot read the file ({exc.strerror})", key=key) from None
    if size == 0:
        raise DataLoadError(path, "the file is empty", key=key)
    if suffix in PARQUET:
        frame = _read_parquet(path, key)
    else:
        _require_text(path, head, key)
        frame = _read_csv(path, key, suffix) if suffix in CSV else _read_jsonl(path, key)
    if len(frame.columns) == 0:
        raise DataLoadError(path, "no columns found", key=key)
    if len(frame) == 0:
        raise DataLoadError(
            path,
            "has a header but no rows",
            key=key,
            hint="did the pipeline stage that writes it fail?",
        )
    return frame


def _require_text(path: Path, head: bytes, key: str | None) -> None:
    if b"\x00" in head:
        raise DataLoadError(
            path,
            "not a text file (it contains NUL bytes)",
            key=key,
            hint=f"expected {SUPPORTED}; is this a binary or compressed file?",
        )
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not just a character cut at the sniff boundary
            raise _encoding_error(path, key, exc.start) from None


def _encoding_error(path: Path, key: str | None, offset: int) -> DataLoadError:
    return DataLoadError(
        path,
        f"not UTF-8 (invalid byte at offset {offset})",
        key=key,
        hint="re-save the file as UTF-8 (e.g. from latin-1: iconv -f latin1 -t utf-8)",
    )


def _read_csv(path: Path, key: str | None, suffix: str) -> pd.DataFrame:
    import pandas as pd
    import pyarrow as pa
    from pyarrow import csv

    delimiter = "\t" if suffix == ".tsv" else ","
    try:
        table = csv.read_csv(
            path,
            parse_options=csv.ParseOptions(delimiter=delimiter),
            convert_options=csv.ConvertOptions(strings_can_be_null=True),
        )
    except pa.ArrowInvalid as exc:
        raise _csv_error(path, key, str(exc)) from None
    except UnicodeDecodeError as exc:
        raise _encoding_error(path, key, exc.start) from None
    frame = table.to_pandas()
    return frame if isinstance(frame, pd.DataFrame) else pd.DataFrame(frame)


def _csv_error(path: Path, key: str | None, message: str) -> DataLoadError:
    text = message.splitlines()[0]
    if "Empty CSV file" in text:
        return DataLoadError(path, "the file is empty", key=key)
    if "Expected" in text and "columns, got" in text:
        row = _ragged_line(path)
        where = f" (line {row[0]} has {row[1]} fields, the header has {row[2]})" if row else ""
        return DataLoadError(
            path,
            f"ragged rows{where}",
            key=key,
            hint="every row needs as many fields as the header; quote "
            "fields that contain the delimiter",
        )
    if "invalid UTF8" in text or "UTF-8" in text or "UTF8" in text:
        return DataLoadError(path, "not UTF-8", key=key, hint="re-save the file as UTF-8")
    return DataLoadError(path, f"not a readable CSV file: {text}", key=key)


def _ragged_line(path: Path) -> tuple[int, int, int] | None:
    """The first line whose field count differs from the header's (only on the error path)."""
    import csv

    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        for row in reader:
            if row and len(row) != len(header):
                return reader.line_num, len(row), len(header)
    return None


def _read_parquet(path: Path, key: str | None) -> pd.DataFrame:
    import pandas as pd
    import pyarrow as pa

    try:
        return pd.read_parquet(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataLoadError(
            path, f"not a readable Parquet file ({str(exc).splitlines()[0]})", key=key
        ) from None


def _read_jsonl(path: Path, key: str | None) -> pd.DataFrame:
    import pandas as pd

    rows = []
    try:
        with path.open(encoding="utf-8") as handle:
            for line_number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise DataLoadError(
                        path,
                        f"line {line_number} is not valid JSON ({exc.msg})",
                        key=key,
                        hint="JSON Lines needs one JSON object per line",
                    ) from None
                if not isinstance(record, dict):
                    raise DataLoadError(
                        path,
                        f"line {line_number} is a JSON {type(record).__name__}, not an object",
                        key=key,
                        hint="JSON Lines needs one object per line",
                    )
                rows.append(record)
    except UnicodeDecodeError as exc:
        raise _encoding_error(path, key, exc.start) from None
    if not rows:
        raise DataLoadError(path, "has no JSON records", key=key)
    return (
        pd.json_normalize(rows, max_level=0) if _nested(rows) else pd.DataFrame.from_records(rows)
    )


def _nested(rows: list[dict[str, object]]) -> bool:
    return any(isinstance(value, dict) for value in rows[0].values())


def require_label(frame: pd.DataFrame, label: str, path: Path, *, key: str) -> None:
    """The label column must be present where it is needed."""
    require_column(frame, label, path, setting="data.label", key=key, what="the label column")


def require_column(
    frame: pd.DataFrame,
    column: str,
    path: Path,
    *,
    setting: str,
    key: str,
    what: str = "the column",
) -> None:
    """A column a setting names must be present where it is needed."""
    if column in frame.columns:
        return
    hint = did_you_mean(column, map(str, frame.columns)) or (
        f"its columns are: {', '.join(map(str, frame.columns[:12]))}"
    )
    raise DataLoadError(path, f"{what} {column!r} ({setting}) is absent", key=key, hint=hint)
