"""Stage 2, sanitize: clean column names, drop duplicates and unlabelled rows, and validate
(``python -m regression_demo.sanitize``).

Labelled feedback from the deployed service (feedback/labelled.csv, see ``feedback.py``)
joins the data here: that is the feedback loop (DVC reruns this stage when that file
changes). Validation uses the schema in ``sekit.toml`` ([data.columns]) as a pandera schema,
so the pipeline and ``sekit check data`` agree on what valid data is.
"""

from __future__ import annotations

import logging
import re

import pandas as pd

from regression_demo.config import LABEL, paths

log = logging.getLogger(__name__)


def snake_case(name: str) -> str:
    return re.sub(r"[^0-9a-zA-Z]+", "_", str(name)).strip("_").lower()


def clean(raw: pd.DataFrame) -> pd.DataFrame:
    frame = raw.rename(columns=snake_case)
    for column in frame.select_dtypes(include=["object", "string"]).columns:
        frame[column] = frame[column].str.strip()
    before = len(frame)
    frame = frame.dropna(subset=[LABEL]).drop_duplicates().reset_index(drop=True)
    if len(frame) < before:
        log.info("sanitize: dropped %d duplicate or unlabelled rows", before - len(frame))
    return frame


def validate(frame: pd.DataFrame) -> pd.DataFrame:
    """Raise pandera's SchemaError when a value breaks sekit.toml's [data.columns]."""
    import sekit.data
    from sekit.config import load_config

    config = load_config(paths().root)
    assert config.data is not None
    return sekit.data.pandera_schema(config.data.columns).validate(frame)


def run(raw: pd.DataFrame | None = None) -> pd.DataFrame:
    frame = clean(pd.read_csv(paths().raw) if raw is None else raw)
    feedback = paths().feedback_labelled
    extra = clean(pd.read_csv(feedback)) if feedback.exists() else frame.iloc[:0]
    if len(extra):
        log.info("sanitize: adding %d labelled rows from the service's feedback", len(extra))
        frame = pd.concat([frame, extra[frame.columns]], ignore_index=True).drop_duplicates()
    frame = validate(frame)
    target = paths().clean
    target.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(target, index=False)
    log.info("sanitize: %d clean rows in %s", len(frame), target)
    return frame


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    run()


if __name__ == "__main__":
    main()
