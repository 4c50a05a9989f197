"""Small inline SVG charts for the HTML reports: no JavaScript, no CDN, works offline.

Every function returns an ``<svg>`` element as text; labels are escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Figure:
    """One picture of a check for the HTML report: an ``<svg>`` and what it shows."""

    name: str
    caption: str
    svg: str


WIDTH = 640
FONT = 'font-family="system-ui, sans-serif" font-size="12"'


def _fmt(value: float) -> str:
    return f"{value:.3g}"


def bars(
    items: Sequence[tuple[str, float]],
    *,
    limit: float | None = None,
    unit: str = "",
    maximum: float | None = None,
    intervals: Sequence[tuple[float, float]] | None = None,
) -> str:
    """Horizontal bars, one per (label, value); a dashed line at ``limit``; with
    ``intervals``, a whisker from each interval's low to its high end."""
    if not items:
        return ""
    row, label_width = 22, 190
    highs = [high for _, high in intervals] if intervals else []
    top = max([maximum or 0.0, limit or 0.0, *(v for _, v in items), *highs]) or 1.0
    height = row * len(items) + 24
    scale = (WIDTH - label_width - 60) / top
    parts = [f'<svg role="img" viewBox="0 0 {WIDTH} {height}" width="100%" {FONT}>']
    for i, (label, value) in enumerate(items):
        y = i * row + 4
        over = limit is not None and value >= limit
        colour = "#d9534f" if over else "#4a7bd0"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 14}" text-anchor="end">'
            f"{escape(label[:30])}</text>"
        )
        parts.append(
            f'<rect x="{label_width}" y="{y + 2}" width="{max(value * scale, 1):.1f}" '
            f'height="{row - 6}" fill="{colour}"><title>{escape(label)}: '
            f"{_fmt(value)}{unit}</title></rect>"
        )
        parts.append(
            f'<text x="{label_width + value * scale + 4:.1f}" y="{y + 14}">'
            f"{_fmt(value)}{escape(unit)}</text>"
        )
        if intervals:
            low, high = intervals[i]
            x1, x2 = label_width + low * scale, label_width + high * scale
            parts.append(
                f'<line x1="{x1:.1f}" y1="{y + 9}" x2="{x2:.1f}" y2="{y + 9}" stroke="#222" '
                f'stroke-width="1.5"><title>95% interval {_fmt(low)}-{_fmt(high)}</title></line>'
            )
    if limit is not None:
        x = label_width + limit * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - 18}" '
            'stroke="#333" stroke-dasharray="4 3"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{height - 4}" text-anchor="middle">limit '
            f"{_fmt(limit)}{escape(unit)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def lines(
    series: dict[str, Sequence[tuple[float, float | None]]],
    *,
    x_label: str,
    y_label: str,
    limit: float | None = None,
    shade_until: float | None = None,
    marks: Sequence[tuple[float, float]] = (),
) -> str:
    """Line chart of named series of (x, y); gaps where y is None; an optional limit line, a
    shaded warm-up region up to ``shade_until``, and red bands over the ``marks`` (from, to):
    e.g. the time windows that broke a bound."""
    points = [(x, y) for data in series.values() for x, y in data if y is not None]
    if not points:
        return ""
    height, left, bottom, right, top_pad = 260, 56, 36, 16, 12
    x_max = max(x for x, _ in points) or 1.0
    y_max = max([*(y for _, y in points), limit or 0.0]) * 1.1 or 1.0
    sx = (WIDTH - left - right) / x_max
    sy = (height - bottom - top_pad) / y_max

    def at(x: float, y: float) -> str:
        return f"{left + x * sx:.1f},{height - bottom - y * sy:.1f}"

    parts = [f'<svg role="img" viewBox="0 0 {WIDTH} {height}" width="100%" {FONT}>']
    if shade_until:
        parts.append(
            f'<rect x="{left}" y="{top_pad}" width="{shade_until * sx:.1f}" '
            f'height="{height - bottom - top_pad}" fill="#eee"/>'
            f'<text x="{left + 4}" y="{top_pad + 12}" fill="#888">warm-up</text>'
        )
    for start, end in marks:
        parts.append(
            f'<rect x="{left + start * sx:.1f}" y="{top_pad}" '
            f'width="{max((end - start) * sx, 1.5):.1f}" height="{height - bottom - top_pad}" '
            f'fill="#d9534f" fill-opacity="0.18"/>'
        )
    for i in range(5):
        value = y_max * i / 4
        y = height - bottom - value * sy
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" '
            f'stroke="#e5e5e5"/><text x="{left - 6}" y="{y + 4:.1f}" '
            f'text-anchor="end">{_fmt(value)}</text>'
        )
    colours = ["#4a7bd0", "#e08a2e", "#2e9e5b", "#9b59b6"]
    for (name, data), colour in zip(series.items(), colours * 4, strict=False):
        segment: list[str] = []
        for x, y_value in [*data, (math.nan, None)]:
            if y_value is None or math.isnan(x):
                if len(segment) > 1:
                    parts.append(
                        f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                        f'points="{" ".join(segment)}"/>'
                    )
                segment = []
            else:
                segment.append(at(x, y_value))
        parts.append(
            f'<text x="{WIDTH - right - 4}" y="{top_pad + 14 + 14 * list(series).index(name)}" '
            f'text-anchor="end" fill="{colour}">{escape(name)}</text>'
        )
    if limit is not None:
        y = height - bottom - limit * sy
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - right}" y2="{y:.1f}" '
            f'stroke="#d9534f" stroke-dasharray="5 3"/><text x="{left + 4}" '
            f'y="{y - 4:.1f}" fill="#d9534f">limit {_fmt(limit)}</text>'
        )
    parts.append(
        f'<text x="{(WIDTH + left) / 2}" y="{height - 6}" text-anchor="middle">'
        f"{escape(x_label)}</text>"
    )
    parts.append(
        f'<text x="14" y="{(height - bottom) / 2}" transform="rotate(-90 14 '
        f'{(height - bottom) / 2})" text-anchor="middle">{escape(y_label)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def heatmap(labels: Sequence[str], matrix: Sequence[Sequence[float]]) -> str:
    """A confusion matrix: rows are true classes, columns predicted; counts in the cells."""
    n = len(labels)
    if not n:
        return ""
    cell, left, top = min(60, 360 // n), 120, 40
    size = left + cell * n + 10
    peak = max(max(row) for row in matrix) or 1
    parts = [
        f'<svg role="img" viewBox="0 0 {size} {top + cell * n + 10}" '
        f'width="{min(size, WIDTH)}" {FONT}>',
        f'<text x="{left + cell * n / 2}" y="12" text-anchor="middle">predicted</text>',
    ]
    for j, label in enumerate(labels):
        parts.append(
            f'<text x="{left + cell * j + cell / 2}" y="{top - 8}" '
            f'text-anchor="middle">{escape(label[:10])}</text>'
        )
    for i, label in enumerate(labels):
        parts.append(
            f'<text x="{left - 6}" y="{top + cell * i + cell / 2 + 4}" '
            f'text-anchor="end">{escape(label[:14])}</text>'
        )
        for j in range(n):
            value = matrix[i][j]
            shade = 0.15 + 0.85 * value / peak
            colour = f"rgba(46,158,91,{shade:.2f})" if i == j else f"rgba(217,83,79,{shade:.2f})"
            parts.append(
                f'<rect x="{left + cell * j}" y="{top + cell * i}" width="{cell - 2}" '
                f'height="{cell - 2}" fill="{colour if value else "#f4f4f4"}"/>'
                f'<text x="{left + cell * j + cell / 2}" '
                f'y="{top + cell * i + cell / 2 + 4}" text-anchor="middle">'
                f"{_fmt(value)}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)
