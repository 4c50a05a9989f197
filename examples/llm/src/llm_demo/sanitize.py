"""Sanitize: texts the model can take. Unicode in one normal form (NFC), no control
characters, single spaces, not empty, not longer than a call should cost, no duplicates."""

from __future__ import annotations

import csv
import unicodedata

from llm_demo.config import CLEAN, RAW, params


def clean(text: object, limit: int) -> str:
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFC", text)
    text = "".join(c for c in text if unicodedata.category(c)[0] != "C" or c in "\n\t")
    return " ".join(text.split())[:limit]


def sanitize(rows: list[dict[str, str]], limit: int) -> list[dict[str, str]]:
    kept: dict[str, dict[str, str]] = {}
    for row in rows:
        text = clean(row.get("text"), limit)
        if text and text not in kept:
            kept[text] = {**row, "text": text}
    return list(kept.values())


def main() -> None:
    with RAW.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    kept = sanitize(rows, int(params("sanitize")["max_characters"]))
    CLEAN.parent.mkdir(parents=True, exist_ok=True)
    with CLEAN.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "text", "label"])
        writer.writeheader()
        writer.writerows(kept)
    print(f"kept {len(kept)} clean texts")


if __name__ == "__main__":
    main()
