"""Small inline SVG charts for the HTML reports: no JavaScript, no CDN, works offline.

Every function returns an ``<svg>`` element as text; labels are escaped. Three rules hold for
every chart, and tests/report hold them (the browser test measures what chromium draws):

- **A chart marks a problem exactly when its check does.** Nothing here decides what is red: a
  bar is red because the figure says ``marked=True``, which it takes from the check's own
  findings or gates (one source). A dashed line is only a *bound* (``limit``) when it is one;
  a line for comparison (the overall value) is a ``reference``, drawn and labelled as such.
- **Labels are never cut.** Text is measured (:mod:`sekit.report.text`: Helvetica's metrics
  with a margin for the wider fonts a browser may pick) and wrapped onto more lines where it
  does not fit; the label column grows with its longest label, up to a share of the width.
- **Every axis has ticks and a unit.**
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from sekit.report.text import text_width, wrap


@dataclass(frozen=True)
class Figure:
    """One picture of a check for the HTML report: an ``<svg>`` and what it shows."""

    name: str
    caption: str
    svg: str


@dataclass(frozen=True)
class Bar:
    """One bar: ``marked`` draws it red (the check reported this item as a problem), an
    ``interval`` (low, high) draws a whisker."""

    label: str
    value: float
    marked: bool = False
    interval: tuple[float, float] | None = None


WIDTH = 640
SIZE = 12  # font size, px
LINE = 15  # line height, px
FONT = f'font-family="system-ui, sans-serif" font-size="{SIZE}"'
RED, BLUE, GREY, INK = "#d9534f", "#4a7bd0", "#777", "#222"


def _fmt(value: float) -> str:
    return f"{value:.3g}"


def ticks(maximum: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least ``maximum`` (steps of 1, 2 or 5 times a power of
    ten)."""
    if maximum <= 0 or not math.isfinite(maximum):
        return [0.0, 1.0]
    raw = maximum / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    steps = math.ceil(maximum / step - 1e-9)
    return [round(i * step, 12) for i in range(steps + 1)]


def _text(x: float, y: float, content: str, anchor: str = "start", extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{escape(content)}</text>'


def _lines_text(x: float, y: float, lines: Sequence[str], anchor: str = "end") -> str:
    """Several lines of one label, the first at ``y`` (a baseline)."""
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if i == 0 else LINE}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">{spans}</text>'


def _placed(x: float, content: str, left: float, right: float) -> tuple[float, str]:
    """A label centred on ``x`` but kept inside [left, right]: its x and anchor."""
    half = text_width(content) / 2
    if x - half < left:
        return left, "start"
    if x + half > right:
        return right, "end"
    return x, "middle"


def bars(
    items: Sequence[Bar | tuple[str, float]],
    *,
    limit: float | None = None,
    reference: tuple[str, float] | None = None,
    unit: str = "",
    maximum: float | None = None,
    axis: str = "",
) -> str:
    """Horizontal bars, one per item (a :class:`Bar`, or ``(label, value)``), red where the
    item is ``marked``. ``limit`` draws the bound a check judged against (a dashed line,
    "limit ..."); ``reference`` = (name, value) a grey line to compare with ("overall 0.95").
    The value axis has ticks; its title is ``axis`` (or the unit)."""
    shown = [b if isinstance(b, Bar) else Bar(b[0], b[1]) for b in items]
    if not shown:
        return ""
    longest = max(text_width(b.label) for b in shown)
    label_width = min(max(longest, 40.0), WIDTH * 0.42)
    values = [f"{_fmt(b.value)}{unit}" for b in shown]
    value_room = max(text_width(v) for v in values) + 10
    highs = [b.interval[1] for b in shown if b.interval]
    lows = [b.value for b in shown]
    top_value = max([maximum or 0.0, *lows, *highs, limit or 0.0, reference[1] if reference else 0])
    scale_ticks = ticks(top_value or 1.0)
    top_value = scale_ticks[-1]
    notes = [n for n in (limit is not None, reference is not None) if n]
    top = 6 + LINE * len(notes)
    left = label_width + 14
    right = WIDTH - value_room
    scale = (right - left) / top_value
    rows: list[tuple[Bar, list[str], float, float]] = []
    y = float(top)
    for b in shown:
        wrapped = wrap(b.label, label_width)
        height = max(22.0, LINE * len(wrapped) + 7)
        rows.append((b, wrapped, y, height))
        y += height
    plot_bottom = y + 2
    height_total = plot_bottom + 18 + (LINE + 2 if (axis or unit) else 0)
    parts = [f'<svg role="img" viewBox="0 0 {WIDTH} {height_total:.0f}" width="100%" {FONT}>']
    for (b, wrapped, row_y, height), value_text in zip(rows, values, strict=True):
        middle = row_y + height / 2
        first_baseline = middle - (len(wrapped) - 1) * LINE / 2 + 4
        parts.append(_lines_text(left - 8, first_baseline, wrapped))
        colour = RED if b.marked else BLUE
        width = max(b.value * scale, 1.0)
        parts.append(
            f'<rect x="{left}" y="{middle - 8:.1f}" width="{width:.1f}" height="16" '
            f'fill="{colour}"><title>{escape(b.label)}: {escape(value_text)}'
            f"{' (reported)' if b.marked else ''}</title></rect>"
        )
        end = left + b.value * scale
        if b.interval:
            low, high = b.interval
            x1, x2 = left + max(low, 0.0) * scale, left + high * scale
            parts.append(
                f'<line x1="{x1:.1f}" y1="{middle:.1f}" x2="{x2:.1f}" y2="{middle:.1f}" '
                f'stroke="{INK}" stroke-width="1.5"><title>95% interval {_fmt(low)} to '
                f"{_fmt(high)}</title></line>"
            )
            end = max(end, x2)
        parts.append(_text(end + 4, middle + 4, value_text))
    parts.append(
        f'<line x1="{left}" y1="{plot_bottom:.1f}" x2="{right:.1f}" y2="{plot_bottom:.1f}" '
        f'stroke="{GREY}"/>'
    )
    for tick in scale_ticks:
        x = left + tick * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="{plot_bottom:.1f}" x2="{x:.1f}" y2="{plot_bottom + 4:.1f}" '
            f'stroke="{GREY}"/>'
        )
        parts.append(_text(x, plot_bottom + 16, _fmt(tick), "middle"))
    if axis or unit:
        parts.append(_text((left + right) / 2, height_total - 4, axis or unit.strip(), "middle"))
    line_y = 6.0
    for name, value, colour, dash in (
        ("limit", limit, INK, "4 3"),
        (reference[0] if reference else "", reference[1] if reference else None, GREY, "2 2"),
    ):
        if value is None:
            continue
        x = left + value * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="{line_y + 4:.1f}" x2="{x:.1f}" y2="{plot_bottom:.1f}" '
            f'stroke="{colour}" stroke-dasharray="{dash}"/>'
        )
        content = f"{name} {_fmt(value)}{unit}"
        placed, anchor = _placed(x, content, 2.0, WIDTH - 2.0)
        parts.append(_text(placed, line_y + 10, content, anchor, f' fill="{colour}"'))
        line_y += LINE
    parts.append("</svg>")
    return "".join(parts)


def lines(
    series: dict[str, Sequence[tuple[float, float | None]]],
    *,
    x_label: str,
    y_label: str,
    limit: float | None = None,
    shade_until: float | None = None,
    shade_label: str = "warm-up",
    marks: Sequence[tuple[float, float]] = (),
) -> str:
    """Line chart of named series of (x, y); gaps where y is None; an optional bound (a dashed
    line, "limit ..."), a shaded region up to ``shade_until`` (the warm-up) and red bands
    over the ``marks`` (from, to): the time windows the check reported. Both axes have ticks;
    their titles carry the unit."""
    points = [(x, y) for data in series.values() for x, y in data if y is not None]
    if not points:
        return ""
    x_ticks = ticks(max(x for x, _ in points) or 1.0, 6)
    y_ticks = ticks(max([*(y for _, y in points), limit or 0.0]) or 1.0, 4)
    x_max, y_max = x_ticks[-1], y_ticks[-1]
    left = max(text_width(_fmt(t)) for t in y_ticks) + 30
    legend_rows = _legend(list(series), WIDTH - left - 10)
    top = 14 + LINE * len(legend_rows)
    height, right = 280.0, 20.0
    bottom = height - 44
    sx = (WIDTH - left - right) / x_max
    sy = (bottom - top) / y_max

    def at(x: float, y: float) -> str:
        return f"{left + x * sx:.1f},{bottom - y * sy:.1f}"

    parts = [f'<svg role="img" viewBox="0 0 {WIDTH} {height:.0f}" width="100%" {FONT}>']
    colours = ["#4a7bd0", "#e08a2e", "#2e9e5b", "#9b59b6"]
    for row_index, row in enumerate(legend_rows):
        x = left
        for name in row:
            colour = colours[list(series).index(name) % len(colours)]
            y = 4.0 + LINE * (row_index + 1)
            parts.append(
                f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{colour}"/>'
            )
            parts.append(_text(x + 14, y, name, extra=f' fill="{colour}"'))
            x += 14 + text_width(name) + 16
    if shade_until:
        parts.append(
            f'<rect x="{left:.1f}" y="{top:.1f}" width="{shade_until * sx:.1f}" '
            f'height="{bottom - top:.1f}" fill="#eee"/>'
        )
        parts.append(_text(left + 4, bottom - 6, shade_label, extra=' fill="#666"'))
    for start, end in marks:
        parts.append(
            f'<rect x="{left + start * sx:.1f}" y="{top:.1f}" '
            f'width="{max((end - start) * sx, 1.5):.1f}" height="{bottom - top:.1f}" '
            f'fill="{RED}" fill-opacity="0.18"/>'
        )
    for value in y_ticks:
        y = bottom - value * sy
        parts.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{WIDTH - right:.1f}" y2="{y:.1f}" '
            f'stroke="#e5e5e5"/>'
        )
        parts.append(_text(left - 6, y + 4, _fmt(value), "end"))
    for value in x_ticks:
        x = left + value * sx
        parts.append(
            f'<line x1="{x:.1f}" y1="{bottom:.1f}" x2="{x:.1f}" y2="{bottom + 4:.1f}" '
            f'stroke="{GREY}"/>'
        )
        parts.append(_text(x, bottom + 16, _fmt(value), "middle"))
    parts.append(
        f'<line x1="{left:.1f}" y1="{bottom:.1f}" x2="{WIDTH - right:.1f}" y2="{bottom:.1f}" '
        f'stroke="{GREY}"/>'
    )
    for (_name, data), colour in zip(series.items(), colours * 4, strict=False):
        segment: list[str] = []
        for x, y_value in [*data, (math.nan, None)]:
            if y_value is None or math.isnan(x):
                if len(segment) > 1:
                    parts.append(
                        f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                        f'points="{" ".join(segment)}"/>'
                    )
                elif len(segment) == 1:
                    x0, y0 = segment[0].split(",")
                    parts.append(f'<circle cx="{x0}" cy="{y0}" r="2.5" fill="{colour}"/>')
                segment = []
            else:
                segment.append(at(x, y_value))
    if limit is not None:
        y = bottom - limit * sy
        parts.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{WIDTH - right:.1f}" y2="{y:.1f}" '
            f'stroke="{RED}" stroke-dasharray="5 3"/>'
        )
        above = y - 5 if y - 5 - SIZE > top else y + SIZE + 2
        parts.append(
            _text(WIDTH - right - 4, above, f"limit {_fmt(limit)}", "end", f' fill="{RED}"')
        )
    parts.append(_text((WIDTH + left - right) / 2, height - 6, x_label, "middle"))
    middle = (top + bottom) / 2
    for index, line in enumerate(wrap(y_label, bottom - top)[:2]):
        x = 12 + index * LINE
        parts.append(
            f'<text x="{x}" y="{middle:.1f}" transform="rotate(-90 {x} {middle:.1f})" '
            f'text-anchor="middle">{escape(line)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _legend(names: Sequence[str], width: float) -> list[list[str]]:
    """The series' names in rows that fit ``width``."""
    rows: list[list[str]] = [[]]
    used = 0.0
    for name in names:
        needed = 14 + text_width(name) + 16
        if rows[-1] and used + needed > width:
            rows.append([])
            used = 0.0
        rows[-1].append(name)
        used += needed
    return rows


def heatmap(labels: Sequence[str], matrix: Sequence[Sequence[float]]) -> str:
    """A confusion matrix: rows are true classes, columns predicted; counts in the cells.
    Column labels that do not fit their cell are written upright."""
    n = len(labels)
    if not n:
        return ""
    cell = max(min(60, 420 // n), 24)
    longest = max(text_width(label) for label in labels)
    slanted = longest > cell - 6
    left = longest + 24  # row labels at full length
    head = (longest + 24) if slanted else 32
    top = head + 18
    size = left + cell * n + 10
    peak = max(max(row) for row in matrix) or 1
    parts = [
        f'<svg role="img" viewBox="0 0 {size:.0f} {top + cell * n + 10:.0f}" '
        f'width="{min(size, WIDTH):.0f}" {FONT}>',
        _text(left + cell * n / 2, 13, "predicted", "middle"),
    ]
    for j, label in enumerate(labels):
        x, y = left + cell * j + cell / 2, top - 8
        if slanted:
            parts.append(
                f'<text x="{x + 4:.1f}" y="{y:.1f}" transform="rotate(-90 {x + 4:.1f} {y:.1f})" '
                f'text-anchor="start">{escape(label)}</text>'
            )
        else:
            parts.append(_text(x, y, label, "middle"))
    for i, label in enumerate(labels):
        parts.append(_text(left - 8, top + cell * i + cell / 2 + 4, label, "end"))
        for j in range(n):
            value = matrix[i][j]
            shade = 0.15 + 0.85 * value / peak
            colour = f"rgba(46,158,91,{shade:.2f})" if i == j else f"rgba(217,83,79,{shade:.2f})"
            parts.append(
                f'<rect x="{left + cell * j:.1f}" y="{top + cell * i:.1f}" width="{cell - 2}" '
                f'height="{cell - 2}" fill="{colour if value else "#f4f4f4"}"/>'
            )
            x, y = left + cell * j + cell / 2, top + cell * i + cell / 2 + 4
            parts.append(_text(x, y, _fmt(value), "middle"))
    parts.append("</svg>")
    return "".join(parts)
