"""Output: what the pipeline found, as DVC metrics (reports/summary.json): answers per label,
the share of fallbacks, agreement with the gathered labels, and what the run cost (the
ledger's tokens at the prices in params.toml)."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any

from llm_demo.config import CLEAN, LABELS, LEDGER, SUMMARY, params


def read_lines(path: Path) -> list[dict[str, Any]]:
    text = path.read_text(encoding="utf-8")
    return [json.loads(line) for line in text.split("\n") if line.strip()]


def summary() -> dict[str, Any]:
    labels = read_lines(LABELS)
    calls = read_lines(LEDGER)
    with CLEAN.open(newline="", encoding="utf-8") as handle:
        truth = {row["id"]: row["label"] for row in csv.DictReader(handle)}
    answered = [a for a in labels if not a["fallback"]]
    agree = [a["label"] == truth.get(str(a["id"])) for a in answered if a["id"] in truth]
    prices = params("call")
    tokens_in = sum(int(c["prompt_tokens"]) for c in calls)
    tokens_out = sum(int(c["completion_tokens"]) for c in calls)
    cost = tokens_in * prices["input_per_1k"] / 1000 + tokens_out * prices["output_per_1k"] / 1000
    return {
        "answers": len(labels),
        "labels": dict(Counter(str(a["label"]) for a in labels)),
        "fallback_share": 1 - len(answered) / len(labels) if labels else 0.0,
        "agreement": sum(agree) / len(agree) if agree else None,
        "calls": len(calls),
        "prompt_tokens": tokens_in,
        "completion_tokens": tokens_out,
        "cost": round(cost, 6),
    }


def main() -> None:
    found = summary()
    SUMMARY.parent.mkdir(parents=True, exist_ok=True)
    SUMMARY.write_text(json.dumps(found, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps(found, sort_keys=True))


if __name__ == "__main__":
    main()
