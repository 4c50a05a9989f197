"""Measuring and wrapping the labels of the report's pictures, without a browser: a label
measured to fit does fit (tests/report/test_layout.py holds that in chromium)."""

from __future__ import annotations

import unicodedata

SIZE = 12  # the pictures' font size, px

# Helvetica's advance widths (per 1000 em) for printable ASCII; see text_width.
_HELVETICA = """
    278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278
    556 556 556 556 556 556 556 556 556 556 278 278 584 584 584 556
    1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778
    667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556
    333 556 556 500 556 556 278 556 556 222 222 500 222 833 556 556
    556 556 333 500 278 556 500 722 500 500 500 334 260 334 584
"""
_WIDTHS = {chr(code): int(width) for code, width in enumerate(_HELVETICA.split(), start=32)}
# The browser's system-ui font on Linux (DejaVu Sans, Noto Sans) is up to ~15% wider than
# Helvetica: measure as if it were 20% wider, so a label measured to fit does fit.
_MARGIN = 1.2


def text_width(text: str, size: float = SIZE) -> float:
    """The width in px a label takes, measured generously (see ``_MARGIN``)."""
    total = 0.0
    for char in text:
        if char in _WIDTHS:
            total += _WIDTHS[char]
        elif unicodedata.east_asian_width(char) in ("W", "F"):
            total += 1000
        elif unicodedata.combining(char):
            continue
        else:
            total += 650
    return total * size / 1000 * _MARGIN


def wrap(text: str, width: float, size: float = SIZE) -> list[str]:
    """``text`` on as many lines as it needs to fit ``width`` px: broken after spaces and
    separators where it can, inside a word only where a word alone is too wide. Nothing is
    dropped: the lines joined give the text back (spaces at the breaks aside)."""
    if text_width(text, size) <= width:
        return [text]
    words: list[str] = []
    current = ""
    for char in text:
        current += char
        if char in " ,;/|)]" or char == "·":
            words.append(current)
            current = ""
    if current:
        words.append(current)
    lines: list[str] = []
    line = ""
    for word in words:
        if text_width((line + word).rstrip(), size) <= width:
            line += word
            continue
        if line:
            lines.append(line.rstrip())
            line = ""
        while text_width(word.rstrip(), size) > width:  # a word wider than the column
            cut = max(1, _fitting(word, width, size))
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line.strip():
        lines.append(line.rstrip())
    return lines or [text]


def _fitting(text: str, width: float, size: float) -> int:
    """How many leading characters of ``text`` fit ``width``."""
    for count in range(len(text), 0, -1):
        if text_width(text[:count], size) <= width:
            return count
    return 0
