"""Batch predictions: a CSV of inputs in, the same rows with predictions out.

Run it with ``python -m clinic_ai.predict inputs.csv predictions.csv``.
"""

from __future__ import annotations

import argparse

import joblib
import pandas as pd

from clinic_ai.config import FEATURES, paths


def predict(frame: pd.DataFrame) -> pd.DataFrame:
    model = joblib.load(paths().model)
    out = frame.copy()
    out["prediction"] = model.predict(frame[FEATURES])
    out["probability"] = model.predict_proba(frame[FEATURES]).max(axis=1)
    out["model_version"] = model.model_version_
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs")
    parser.add_argument("output")
    args = parser.parse_args()
    predict(pd.read_csv(args.inputs)).to_csv(args.output, index=False)


if __name__ == "__main__":
    main()
