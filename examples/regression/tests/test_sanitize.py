"""Unit tests of the sanitize stage."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pytest

from regression_demo import ingest, sanitize
from regression_demo.config import FEATURES, LABEL


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
    frame.loc[0, "bmi"] = -1
    with pytest.raises(pa.errors.SchemaError):
        sanitize.validate(frame)


def test_the_golden_rows_are_the_same_whatever_joins_the_data() -> None:
    frame = sanitize.clean(ingest.download())
    chosen = set(sanitize.keys(frame[sanitize.golden(frame)]))
    assert 0.1 < len(chosen) / len(frame) < 0.3
    shuffled = frame.sample(frac=1, random_state=0)
    joined = pd.concat([shuffled, shuffled.head(40)], ignore_index=True)  # feedback rows
    assert set(sanitize.keys(joined[sanitize.golden(joined)])) == chosen
