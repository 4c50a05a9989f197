"""Labelled short reviews, built from the human sentiment ratings that ship inside the
vaderSentiment wheel (its lexicon: each word rated by ten people from -4 to +4): each review
puts one confidently rated word into a template with a thing, and sometimes a person's or a
place's name. Real words, real ratings, generated sentences; nothing downloaded."""

from __future__ import annotations

import random
from functools import cache
from pathlib import Path

STOP = ("ass", "bastard", "bitch", "cock", "crap", "damn", "dick", "fag", "fuck", "nigg", "piss")
STOP += ("prick", "rape", "retard", "shit", "slut", "whore", "dumbass", "suicid", "kill")
STOP += ("wank", "twat", "cunt", "bollock", "rotfl", "rotgl", "lylab", "lylas", "xoxo", "sfete")
THINGS = ("food", "service", "room", "movie", "book", "concert", "hotel", "trip", "course")
THINGS += ("staff", "music", "coffee", "game", "show", "lecture", "flight", "team", "app")
PEOPLE = ("Anna", "Ben", "Carla", "David", "Emma", "Grace", "James", "Laura", "Maria", "Oscar")
PLACES = ("Berlin", "Jena", "Paris", "Madrid", "Lagos", "Tokyo", "Lima", "Oslo", "Dublin")
TEMPLATES = (
    "The {thing} was {word}.",
    "I found the {thing} {word}, honestly.",
    "{person} said the {thing} was {word}.",
    "Our {thing} in {place} was {word}.",
    "Honestly, the {thing} felt {word} to me.",
    "The {thing} in {place} was {word}, said {person}.",
    "Everything about the {thing} was {word}.",
    "My friend {person} thought the {thing} was {word}.",
)


@cache
def words() -> dict[str, list[str]]:
    """Confidently rated words of the VADER lexicon: positive and negative."""
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


def reviews(n: int, seed: int) -> list[tuple[str, str]]:
    """``n`` (text, label) pairs, balanced, reproducible from ``seed``."""
    rng = random.Random(seed)
    rated = words()
    made = []
    for i in range(n):
        label = ("positive", "negative")[i % 2]
        text = rng.choice(TEMPLATES).format(
            thing=rng.choice(THINGS),
            word=rng.choice(rated[label]),
            person=rng.choice(PEOPLE),
            place=rng.choice(PLACES),
        )
        made.append((text, label))
    return made
