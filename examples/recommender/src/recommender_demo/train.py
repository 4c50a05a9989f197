"""Train: EASE on the training ratings; the model carries its version (a hash of the data and
the parameters) for the service's log and ``/health``."""

from __future__ import annotations

import hashlib
import json

import joblib
import pandas as pd

from recommender_demo.config import model, params, train
from recommender_demo.model import Ease


def version(data: bytes, settings: dict[str, object]) -> str:
    digest = hashlib.sha256(data + json.dumps(settings, sort_keys=True).encode()).hexdigest()
    return f"ease-{digest[:10]}"


def main() -> None:
    settings = params("train")
    ratings = pd.read_csv(train())
    fitted = Ease(l2=float(settings["l2"]), min_ratings=int(settings["min_ratings"]))
    fitted.fit(ratings)
    fitted.model_version_ = version(train().read_bytes(), settings)
    model().parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(fitted, model(), compress=3)
    size = model().stat().st_size
    print(
        f"trained {fitted.model_version_} on {len(ratings)} ratings "
        f"({len(fitted.items_)} films scored, {size / 1e6:.1f} MB)"
    )


if __name__ == "__main__":
    main()
