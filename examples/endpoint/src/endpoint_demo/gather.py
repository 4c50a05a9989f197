"""Gather: the texts the pipeline answers, with the answers they should get.

Here: short reviews built from the human ratings that ship inside the vaderSentiment wheel
(each word rated by ten people from -4 to +4): one confidently rated word in a template with a
thing, sometimes a name. Replace this with your own source (scraping, an API, a file), keep
the columns: id, text, label.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from endpoint_demo.config import RAW, params

STOP = ("ass", "bastard", "bitch", "crap", "damn", "dick", "fuck", "piss", "shit", "slut")
STOP += ("whore", "rape", "retard", "kill", "suicid", "wank", "twat", "cunt", "nigg", "fag")
THINGS = ("food", "service", "room", "movie", "book", "concert", "hotel", "trip", "course")
PEOPLE = ("Anna", "Ben", "Carla", "David", "Emma", "Grace", "James", "Laura", "Maria", "Oscar")
PLACES = ("Berlin", "Jena", "Paris", "Madrid", "Lagos", "Tokyo", "Lima", "Oslo", "Dublin")
TEMPLATES = (
    "The {thing} was {word}.",
    "I found the {thing} {word}, honestly.",
    "{person} said the {thing} was {word}.",
    "Our {thing} in {place} was {word}.",
    "Everything about the {thing} was {word}.",
)


def rated_words() -> dict[str, list[str]]:
    """Words the raters agreed on: positive (mean >= 2) and negative (mean <= -2)."""
    import vaderSentiment

    lexicon = Path(vaderSentiment.__file__).parent / "vader_lexicon.txt"
    found: dict[str, list[str]] = {"positive": [], "negative": []}
    for line in lexicon.read_text(encoding="utf-8").splitlines():
        token, mean, spread, *_ = line.split("\t")
        if not (token.isalpha() and token.islower() and 5 <= len(token) <= 12):
            continue
        if any(bad in token for bad in STOP) or float(spread) > 1.0:
            continue
        if float(mean) >= 2.0:
            found["positive"].append(token)
        elif float(mean) <= -2.0:
            found["negative"].append(token)
    return found


def gather(count: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    words = rated_words()
    rows = []
    for i in range(count):
        label = ("positive", "negative")[i % 2]
        text = rng.choice(TEMPLATES).format(
            thing=rng.choice(THINGS),
            word=rng.choice(words[label]),
            person=rng.choice(PEOPLE),
            place=rng.choice(PLACES),
        )
        rows.append({"id": f"r{i:05d}", "text": text, "label": label})
    return rows


def main() -> None:
    settings = params("gather")
    rows = gather(int(settings["reviews"]), int(settings["seed"]))
    RAW.parent.mkdir(parents=True, exist_ok=True)
    with RAW.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["id", "text", "label"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"gathered {len(rows)} reviews into {RAW.relative_to(RAW.parents[2])}")


if __name__ == "__main__":
    main()
