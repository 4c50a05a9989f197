"""Edits that must not change what a text model answers (CheckList's invariance tests): case,
whitespace, punctuation, a typo, a person's or a place's name swapped for another.

Each edit is a pure function of the text and a seed (so a failure is reproduced exactly) that
returns the edited text, or ``None`` when it does not apply (a text without a name has no name
to swap). The names ship with sekit (:data:`PEOPLE`, :data:`PLACES`).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

PEOPLE = (
    "Anna", "Ben", "Carla", "David", "Emma", "Farid", "Grace", "Hassan", "Ines", "James",
    "Kenji", "Laura", "Mohammed", "Nina", "Oscar", "Priya", "Quentin", "Rosa", "Samuel", "Tara",
    "Umar", "Vera", "Wei", "Xenia", "Yusuf", "Zoe", "Maria", "John", "Fatima", "Lukas",
)  # fmt: skip
PLACES = (
    "Berlin", "Jena", "Paris", "Madrid", "Lagos", "Tokyo", "Lima", "Cairo", "Oslo", "Toronto",
    "Mumbai", "Sydney", "Denver", "Leeds", "Porto", "Krakow", "Nairobi", "Seoul", "Quito",
    "Dublin",
)  # fmt: skip
_NAMES = {name.lower(): group for group in (PEOPLE, PLACES) for name in group}


def case(text: str, seed: int) -> str | None:
    """Every word in upper case, lower case or title case, or one word's case flipped."""
    rng = random.Random(seed)
    style = rng.choice(["upper", "lower", "title", "one"])
    if style == "upper":
        edited = text.upper()
    elif style == "lower":
        edited = text.lower()
    elif style == "title":
        edited = text.title()
    else:
        words = list(WORD.finditer(text))
        if not words:
            return None
        word = rng.choice(words)
        edited = text[: word.start()] + word.group().swapcase() + text[word.end() :]
    return edited if edited != text else None


def whitespace(text: str, seed: int) -> str | None:
    """Extra spaces, a tab or a newline between words, or around the text."""
    rng = random.Random(seed)
    gaps = [m.start() for m in re.finditer(r" ", text)]
    where = rng.choice(["around", "inside"]) if gaps else "around"
    if where == "around":
        return rng.choice([" ", "  ", "\n", "\t"]) + text + rng.choice([" ", "\n", "  "])
    at = rng.choice(gaps)
    return text[:at] + rng.choice(["  ", "\t", " \n ", "   "]) + text[at + 1 :]


def punctuation(text: str, seed: int) -> str | None:
    """The final punctuation changed (added, removed, or '!!!'), or a comma added."""
    rng = random.Random(seed)
    stripped = text.rstrip()
    base = stripped.rstrip(".!?;,")
    choice = rng.choice(["end", "strip", "comma"])
    if choice == "strip" and base != stripped:
        return base
    if choice == "comma":
        gaps = [m.start() for m in re.finditer(r"\w ", stripped)]
        if gaps:
            at = rng.choice(gaps) + 1
            return stripped[:at] + "," + stripped[at:]
    return base + rng.choice([".", "!", "?", "!!!", "..."])


def typo(text: str, seed: int) -> str | None:
    """One typo in one word of at least four letters: two letters swapped, one dropped or one
    doubled."""
    rng = random.Random(seed)
    words = [m for m in WORD.finditer(text) if len(m.group()) >= 4]
    if not words:
        return None
    word = rng.choice(words)
    letters = list(word.group())
    at = rng.randrange(1, len(letters) - 1)
    kind = rng.choice(["swap", "drop", "double"])
    if kind == "swap":
        letters[at], letters[at + 1] = letters[at + 1], letters[at]
    elif kind == "drop":
        del letters[at]
    else:
        letters.insert(at, letters[at])
    edited = "".join(letters)
    if edited == word.group():
        return None
    return text[: word.start()] + edited + text[word.end() :]


def names(text: str, seed: int) -> str | None:
    """A person's or a place's name (from sekit's lists) replaced by another of its kind."""
    rng = random.Random(seed)
    found = [m for m in WORD.finditer(text) if m.group().lower() in _NAMES]
    if not found:
        return None
    word = rng.choice(found)
    group = _NAMES[word.group().lower()]
    other = rng.choice([n for n in group if n.lower() != word.group().lower()])
    return text[: word.start()] + other + text[word.end() :]


EDITS: dict[str, Callable[[str, int], str | None]] = {
    "case": case,
    "whitespace": whitespace,
    "punctuation": punctuation,
    "typos": typo,
    "names": names,
}
