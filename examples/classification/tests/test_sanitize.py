"""Unit tests of the sanitize stage."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pytest

from classification_demo import ingest, sanitize
from classification_demo.config import FEATURES, LABEL, paths


def test_columns_become_snake_case_and_duplicates_go() -> None:
    raw = ingest.download()
    doubled = raw.iloc[list(range(len(raw))) + [0, 1, 2]]
    clean = sanitize.clean(doubled)
    assert set(FEATURES) | {LABEL} <= set(clean.columns)
    assert len(clean) == len(raw.drop_duplicates())


def test_valid_data_passes_the_schema(project: Path) -> None:
    frame = sanitize.validate(sanitize.clean(ingest.download()))
    assert len(frame) > 0


def test_an_impossible_value_is_rejected(project: Path) -> None:
    frame = sanitize.clean(ingest.download())
    frame.loc[0, "worst_area"] = -1
    with pytest.raises(pa.errors.SchemaErrors):
        sanitize.validate(frame)


def test_the_golden_rows_are_the_same_whatever_joins_the_data() -> None:
    frame = sanitize.clean(ingest.download())
    chosen = set(sanitize.keys(frame[sanitize.golden(frame)]))
    assert 0.1 < len(chosen) / len(frame) < 0.3
    shuffled = frame.sample(frac=1, random_state=0)
    joined = pd.concat([shuffled, shuffled.head(40)], ignore_index=True)  # feedback rows
    assert set(sanitize.keys(joined[sanitize.golden(joined)])) == chosen


def test_the_stage_stops_in_one_line_naming_the_column_and_row(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = sanitize.clean(ingest.download())
    broken.loc[7, "worst_area"] = -1
    raw = paths().raw
    raw.parent.mkdir(parents=True, exist_ok=True)
    broken.to_csv(raw, index=False)
    assert sanitize.main() == 1
    [line] = capsys.readouterr().err.strip().splitlines()
    assert "'worst_area' breaks" in line and "rows 7" in line
