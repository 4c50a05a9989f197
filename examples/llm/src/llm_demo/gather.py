"""Gather: the reviews the pipeline labels, with the labels they should get.

Here: short reviews built from templates and words whose sentiment nobody disputes, some with
a person's or a place's name. Replace this with your own source (scraping, an API, a file),
and keep the columns: id, text, label.
"""

from __future__ import annotations

import csv
import random

from llm_demo.config import RAW, params

WORDS = {
    "positive": ("wonderful", "excellent", "delightful", "superb", "lovely", "great",
                 "fantastic", "amazing", "pleasant", "perfect", "friendly", "charming"),
    "negative": ("dreadful", "terrible", "awful", "horrible", "disgusting", "miserable",
                 "appalling", "filthy", "rude", "broken", "boring", "noisy"),
}  # fmt: skip
THINGS = ("food", "service", "room", "movie", "book", "hotel", "concert", "trip", "course")
PEOPLE = ("Anna", "Ben", "Carla", "David", "Emma", "Grace", "James", "Laura", "Maria", "Oscar")
PLACES = ("Berlin", "Jena", "Paris", "Madrid", "Lagos", "Tokyo", "Lima", "Oslo", "Dublin")
TEMPLATES = (
    "The {thing} was {word}.",
    "I found the {thing} {word}, honestly.",
    "{person} said the {thing} was {word}.",
    "Our {thing} in {place} was {word}.",
    "Everything about the {thing} was {word}.",
)


def gather(count: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        label = ("positive", "negative")[i % 2]
        text = rng.choice(TEMPLATES).format(
            thing=rng.choice(THINGS),
            word=rng.choice(WORDS[label]),
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
    print(f"gathered {len(rows)} reviews")


if __name__ == "__main__":
    main()
