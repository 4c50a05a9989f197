"""Sanitize: texts the endpoint can take. Unicode in one normal form (NFC), no control
characters, single spaces, not empty, not longer than the endpoint accepts, no duplicates."""

from __future__ import annotations

import unicodedata

import pandas as pd

from endpoint_demo.config import CLEAN, RAW, params


def clean(text: object, limit: int) -> str:
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFC", text)
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C" or c in "\n\t")
    return " ".join(text.split())[:limit]


def sanitize(frame: pd.DataFrame, limit: int) -> pd.DataFrame:
    frame = frame.assign(text=frame["text"].map(lambda t: clean(t, limit)))
    frame = frame[frame["text"] != ""]
    return frame.drop_duplicates(subset=["text"]).reset_index(drop=True)


def main() -> None:
    frame = sanitize(pd.read_csv(RAW), int(params("sanitize")["max_characters"]))
    CLEAN.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(CLEAN, index=False)
    print(f"kept {len(frame)} clean texts")


if __name__ == "__main__":
    main()
