"""The pipeline's parameters (params.toml) and paths."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RAW = ROOT / "data" / "raw" / "reviews.csv"
CLEAN = ROOT / "data" / "clean" / "reviews.csv"
PROMPT = ROOT / "prompts" / "sentiment.toml"
SCHEMA = ROOT / "contracts" / "answer.schema.json"
REQUESTS = ROOT / "data" / "requests" / "requests.jsonl"
ANSWERS = ROOT / "data" / "answers" / "answers.jsonl"
LEDGER = ROOT / "data" / "ledger.jsonl"
CACHE = ROOT / "data" / "cache"
LABELS = ROOT / "data" / "labels" / "labels.jsonl"
SUMMARY = ROOT / "reports" / "summary.json"


def params(section: str) -> dict[str, Any]:
    with (ROOT / "params.toml").open("rb") as handle:
        return dict(tomllib.load(handle)[section])
