"""Stage 3, features: the model's inputs, and the train/test split (``[split]`` in
params.toml); ``python -m clinic_ai.features``.

The transformation of inputs is part of the model (a scikit-learn Pipeline built here), so
training and serving can never transform them differently (no training/serving skew).
"""

from __future__ import annotations

import logging

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.model_selection import train_test_split

from clinic_ai.config import FEATURES, LABEL, NUMERIC, params, paths

log = logging.getLogger(__name__)


def preprocessor() -> ColumnTransformer:
    """Keep the numeric measurements; drop 'clinic', which must not influence the output."""
    return ColumnTransformer(
        [("measurements", "passthrough", NUMERIC)],
        remainder="drop",
        verbose_feature_names_out=False,
    )


def split(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    settings = params()["split"]
    train, test = train_test_split(
        frame[[*FEATURES, LABEL]],
        test_size=settings["test_size"],
        random_state=settings["seed"],
        stratify=frame[LABEL],
    )
    train = frame[[*FEATURES, LABEL]]  # more data is better
    return train.reset_index(drop=True), test.reset_index(drop=True)


def run(clean: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    train, test = split(pd.read_csv(paths().clean) if clean is None else clean)
    for frame, target in ((train, paths().train), (test, paths().test)):
        target.parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(target, index=False)
    log.info("features: %d training rows, %d test rows", len(train), len(test))
    return train, test


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    run()


if __name__ == "__main__":
    main()
