"""Stage 1, gather: the raw data, with retries (the ``gather`` stage of dvc.yaml runs
``python -m clinic_ai.ingest``).

By default the data comes from a dataset bundled with scikit-learn, so the pipeline runs
offline. To gather your own data, replace :func:`download` (scrape a site, call an API, read a
database): it must return a DataFrame with the raw columns. :func:`fetch` keeps the retries
around it. DVC versions what this writes (data/raw/): ``dvc push`` stores it in the remote,
``dvc pull`` brings it back on another machine, and ``dvc repro`` reruns this stage only when
this file changes (``dvc repro --force gather`` gathers again on purpose).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import pandas as pd

from clinic_ai.config import LABEL, paths

log = logging.getLogger(__name__)
CLINICS = ("north", "south", "west")


def download() -> pd.DataFrame:
    """The raw data. Replace the body with your own source (keep the return type)."""
    from sklearn import datasets

    bunch = datasets.load_breast_cancer(as_frame=True)
    frame = bunch.frame.rename(columns={"target": LABEL})
    frame[LABEL] = [str(bunch.target_names[int(code)]) for code in frame[LABEL]]
    # Which site measured the sample: metadata the model receives but must not use.
    frame["clinic"] = [CLINICS[i % len(CLINICS)] for i in range(len(frame))]
    return frame


def fetch(
    source: Callable[[], pd.DataFrame] = download, *, retries: int = 3, backoff: float = 0.5
) -> pd.DataFrame:
    """Call ``source`` until it succeeds, at most ``retries`` times, waiting longer each time."""
    for attempt in range(1, retries + 1):
        try:
            return source()
        except (OSError, ConnectionError, TimeoutError) as exc:
            if attempt == retries:
                raise
            wait = backoff * 2 ** (attempt - 1)
            log.warning("ingest attempt %d failed (%s); retrying in %.1fs", attempt, exc, wait)
            time.sleep(wait)
    raise AssertionError("unreachable")


def run(source: Callable[[], pd.DataFrame] = download) -> pd.DataFrame:
    """The raw data, written to data/raw/."""
    target = paths().raw
    frame = fetch(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(target, index=False)
    log.info("ingest: wrote %d rows to %s", len(frame), target)
    return frame


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    run()


if __name__ == "__main__":
    main()
