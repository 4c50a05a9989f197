"""Features: the requests the endpoint gets, one JSON object per line, each with the hash of
its input (the cache's key: a text asked before is never asked again)."""

from __future__ import annotations

import hashlib
import json

import pandas as pd

from endpoint_demo.config import CLEAN, REQUESTS


def request(row: dict[str, object]) -> dict[str, object]:
    text = str(row["text"])
    return {
        "id": row["id"],
        "text": text,
        "input_hash": hashlib.sha256(text.encode("utf-8")).hexdigest(),
    }


def main() -> None:
    frame = pd.read_csv(CLEAN)
    REQUESTS.parent.mkdir(parents=True, exist_ok=True)
    with REQUESTS.open("w", encoding="utf-8") as handle:
        for row in frame.to_dict(orient="records"):
            handle.write(json.dumps(request(row), ensure_ascii=False) + "\n")
    print(f"wrote {len(frame)} requests")


if __name__ == "__main__":
    main()
