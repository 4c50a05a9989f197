"""The whole pipeline, stage by stage: ingest -> sanitize -> features -> train -> evaluate.

Run it with ``python -m clinic_ai.pipeline [--fresh]``.
"""

from __future__ import annotations

import argparse
import logging

from clinic_ai import evaluate, features, ingest, sanitize, train


def run(*, fresh: bool = False) -> dict[str, float]:
    raw = ingest.run(force=fresh)
    clean = sanitize.run(raw)
    features.run(clean)
    _, run_id = train.run()
    return evaluate.run(run_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="gather the raw data again")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    run(fresh=args.fresh)


if __name__ == "__main__":
    main()
