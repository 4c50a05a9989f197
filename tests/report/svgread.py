"""Reading what a chart of sekit.report.svg marks: the red bars (by their label) and the red
bands, as a person would see them."""

from __future__ import annotations

import xml.etree.ElementTree as ET

RED = "#d9534f"  # sekit.report.svg.RED, also before it was named


def red_bars(svg: str) -> set[str]:
    """The labels of the bars drawn red (a bar's tooltip is 'label: value')."""
    root = ET.fromstring(svg)
    found = set()
    for rect in root.iter("rect"):
        title = rect.find("title")
        if rect.get("fill") == RED and title is not None and title.text:
            found.add(title.text.rsplit(": ", 1)[0])
    return found


def all_bars(svg: str) -> set[str]:
    root = ET.fromstring(svg)
    return {
        t.text.rsplit(": ", 1)[0]
        for rect in root.iter("rect")
        if (t := rect.find("title")) is not None and t.text
    }


def red_bands(svg: str) -> int:
    """How many red bands (time windows) a line chart draws."""
    root = ET.fromstring(svg)
    return sum(
        1 for rect in root.iter("rect") if rect.get("fill") == RED and rect.find("title") is None
    )


def texts(svg: str) -> list[str]:
    """Every label as written (the lines of a wrapped label joined by a space)."""
    root = ET.fromstring(svg)
    out = []
    for text in root.iter("text"):
        spans = [s.text or "" for s in text.iter("tspan")]
        out.append(" ".join(spans) if spans else text.text or "")
    return out
