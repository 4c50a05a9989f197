"""Monitoring: every served prediction as one JSON line, and a drift check of those inputs.

Check the served inputs for drift against the training data with
``python -m classification_demo.monitor``.

The log (logs/requests.jsonl) holds the inputs, the answer, the model version, the HTTP status
and the latency of each request, so each prediction traces back to the model, and through the
run store to the code and the data that made it. ``sekit check data`` checks the same log
(``[data].production``); ``sekit check monitor`` judges it hour by hour (availability, latency,
errors, drift, and accuracy on the feedback labels).
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from classification_demo.config import FEATURES, LABEL, paths

_LOCK = threading.Lock()
CHECKS = [
    "data.schema",
    "data.missing_values",
    "data.out_of_range",
    "data.unexpected_category",
    "data.drift",
]


def record(inputs: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
    """One served prediction: when, the inputs, the answer and its provenance."""
    return {
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds"),
        **inputs,
        **{f"answer_{k}": v for k, v in answer.items() if k != "request_id"},
        "model_version": answer.get("model_version"),
        "request_id": answer["request_id"],
    }


def write(entry: dict[str, Any], *, load_test: bool = False) -> None:
    """Append one request (the service adds its HTTP status and latency); load-test traffic
    goes to its own log."""
    entry = {"timestamp": datetime.now(UTC).isoformat(timespec="milliseconds"), **entry}
    path = paths().load_test_log if load_test else paths().prediction_log
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(entry) + "\n"
    with _LOCK, path.open("a", encoding="utf-8") as handle:
        handle.write(line)


def served() -> pd.DataFrame:
    path = paths().prediction_log
    if not path.exists():
        return pd.DataFrame(columns=[*FEATURES, "request_id"])
    return pd.read_json(path, lines=True)


def drift() -> Any:
    """sekit's data checks on the served inputs, against the training data."""
    import sekit.data
    from sekit.config import load_config

    config = load_config(paths().root)
    assert config.data is not None
    return sekit.data.check(
        pd.read_csv(paths().train),
        production=served(),
        label=LABEL,
        columns=config.data.columns,
        drift=config.data.drift,
        only=CHECKS,
    )


def main() -> None:
    log = served()
    if log.empty:
        print(f"no served requests yet in {paths().prediction_log}")
        return
    report = drift()
    share = report.metrics.get("data.drift_share", 0)
    print(f"{len(log)} served requests; drift share {share:.0%}")
    for item in report.results:
        print(f"  {item.id:28} {item.status.value:7} {item.summary}")


if __name__ == "__main__":
    main()
