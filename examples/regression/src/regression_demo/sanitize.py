"""Stage 2, sanitize: clean column names, drop duplicates and unlabelled rows, and validate
(``python -m regression_demo.sanitize``).

Labelled feedback from the deployed service (feedback/labelled.csv, see ``feedback.py``)
joins the data here: that is the feedback loop (DVC reruns this stage when that file
changes).

Before it joins, a fifth of the gathered rows is kept aside as the **golden rows**
(data/golden/golden.csv): chosen by a hash of each row's features, so the same rows are golden
in every run whatever else joined the data, and never trained on; a feedback row equal to a
golden row is left out of training too. ``sekit retrain`` compares every retrained model with
the champion on them (``[retrain].golden``): feedback with wrong labels changes the training
data and the test split, never these rows, so a model it made worse is not promoted.

Validation uses the schema in ``sekit.toml`` ([data.columns]) as a pandera schema, so the
pipeline and ``sekit check data`` agree on what valid data is.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sys

import pandas as pd

from regression_demo.config import FEATURES, LABEL, paths

log = logging.getLogger(__name__)
GOLDEN_SHARE = 0.2  # of the gathered rows


def keys(frame: pd.DataFrame) -> pd.Series:
    """A row's key: its features (not its label), as text."""
    return frame[FEATURES].astype(str).agg("\x1f".join, axis=1)


def golden(frame: pd.DataFrame) -> pd.Series:
    """Which rows are golden: a hash of the row's key, the same in every run."""
    buckets = keys(frame).map(lambda key: int(hashlib.sha256(key.encode()).hexdigest()[:8], 16))
    return (buckets % 1000) < GOLDEN_SHARE * 1000


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
    """Raise pandera's SchemaErrors (every broken value at once) when a value breaks
    sekit.toml's [data.columns]."""
    import sekit.data
    from sekit.config import load_config

    config = load_config(paths().root)
    assert config.data is not None
    return sekit.data.pandera_schema(config.data.columns).validate(frame, lazy=True)


def explained(errors: Exception) -> str:
    """One line for the people running the pipeline: which columns break which rule of the
    schema, in which rows (pandera's own message is a long table)."""
    cases = getattr(errors, "failure_cases", None)
    if not isinstance(cases, pd.DataFrame) or cases.empty:
        return str(errors).splitlines()[0]
    parts = []
    for (column, check), rows in cases.groupby(["column", "check"], dropna=False, sort=False):
        index = [str(i) for i in rows["index"].dropna().astype(int).tolist()[:3]]
        where = f" in rows {', '.join(index)}" if index else ""
        more = f" (+{len(rows) - len(index)} more)" if len(rows) > len(index) else ""
        parts.append(f"{column!r} breaks {check}{where}{more}")
    return "; ".join(parts)


def run(raw: pd.DataFrame | None = None) -> pd.DataFrame:
    frame = clean(pd.read_csv(paths().raw) if raw is None else raw)
    kept = golden(frame)
    held, frame = validate(frame[kept]), frame[~kept]
    paths().golden.parent.mkdir(parents=True, exist_ok=True)
    held.to_csv(paths().golden, index=False)
    log.info("sanitize: %d golden rows kept aside in %s", len(held), paths().golden)
    feedback = paths().feedback_labelled
    extra = clean(pd.read_csv(feedback)) if feedback.exists() else frame.iloc[:0]
    extra = extra[~keys(extra).isin(set(keys(held)))]  # a golden row is never trained on
    if len(extra):
        log.info("sanitize: adding %d labelled rows from the service's feedback", len(extra))
        frame = pd.concat([frame, extra[frame.columns]], ignore_index=True).drop_duplicates()
    frame = validate(frame)
    target = paths().clean
    target.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(target, index=False)
    log.info("sanitize: %d clean rows in %s", len(frame), target)
    return frame


def main() -> int:
    import pandera.errors

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        run()
    except (pandera.errors.SchemaError, pandera.errors.SchemaErrors) as errors:
        print(
            f"sanitize: error: the data breaks sekit.toml's [data.columns]: {explained(errors)}."
            " Fix the data here (sanitize.py), never by loosening the schema; "
            "`sekit explain out_of_range` says more.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
