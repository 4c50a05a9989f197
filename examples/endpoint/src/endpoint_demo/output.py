"""Output: what the pipeline found, as DVC metrics (reports/summary.json): answers per
label, the share of fallbacks, and agreement with the gathered ratings."""

from __future__ import annotations

import json
from collections import Counter

import pandas as pd

from endpoint_demo.config import ANSWERS, CLEAN, SUMMARY


def summary() -> dict[str, object]:
    answers = [json.loads(line) for line in ANSWERS.read_text(encoding="utf-8").splitlines()]
    truth = dict(pd.read_csv(CLEAN)[["id", "label"]].itertuples(index=False))
    answered = [a for a in answers if not a["fallback"]]
    agree = [a["label"] == truth.get(a["id"]) for a in answered if a["id"] in truth]
    return {
        "answers": len(answers),
        "labels": dict(Counter(a["label"] for a in answers)),
        "fallback_share": 1 - len(answered) / len(answers) if answers else 0.0,
        "agreement": sum(agree) / len(agree) if agree else None,
    }


def main() -> None:
    found = summary()
    SUMMARY.parent.mkdir(parents=True, exist_ok=True)
    SUMMARY.write_text(json.dumps(found, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(json.dumps(found, sort_keys=True))


if __name__ == "__main__":
    main()
