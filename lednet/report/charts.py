"""Small SVG charts written directly: vector, a few kilobytes each, quick for WeasyPrint.

Every bar of the non-highlighted members is one segment of a single ``<path>``, so a chart of
300 authorities is still three or four elements.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

WIDTH = 500
LABELLED_MAX = 20  # above this many members, bars become unlabelled columns
ROW = 18
LABEL_WIDTH = 130
OTHER, MINE, GREY = "#8da0cb", "#d95f02", "#d0d0d0"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as the report prints it
    highlight: bool = False
    excluded: bool = False


def ranking_chart(bars: list[Bar], median: float | None, median_text: str,
                  band: tuple[float, float] | None = None, title: str = "") -> Markup:
    """All members' values, best first, labelled, the chosen authority highlighted."""
    if not bars:
        return Markup("")
    return _labelled(bars, median, median_text, band, title)


def _scale(values: list[float], band: tuple[float, float] | None) -> tuple[float, float]:
    values = values + (list(band) if band else [])
    low, high = min(0.0, *values), max(0.0, *values)
    return low, (high if high > low else low + 1.0)


def _labelled(bars: list[Bar], median: float | None, median_text: str,
              band: tuple[float, float] | None, title: str) -> Markup:
    low, high = _scale([b.value for b in bars], band)
    # Leave room after the longest bar for its value (about 7 units a character at 12px).
    plot = WIDTH - LABEL_WIDTH - 8 - 7 * max(len(b.text) for b in bars)
    top = 22
    height = top + ROW * len(bars) + 4

    def x(value: float) -> float:
        return LABEL_WIDTH + (value - low) / (high - low) * plot

    parts = [_open(height, title)]
    if band:
        parts.append(f'<rect x="{x(band[0]):.1f}" y="{top}" width="{x(band[1]) - x(band[0]):.1f}"'
                     f' height="{ROW * len(bars)}" fill="#e8f3e8"/>')
    others = []
    for i, bar in enumerate(bars):
        y = top + i * ROW
        left, right = sorted((x(0.0), x(bar.value)))
        colour = MINE if bar.highlight else GREY if bar.excluded else None
        if colour:
            parts.append(f'<rect x="{left:.1f}" y="{y + 3}" width="{right - left:.1f}" '
                         f'height="{ROW - 6}" fill="{colour}"/>')
        else:
            others.append(f"M{left:.1f} {y + 3}h{right - left:.1f}v{ROW - 6}h{left - right:.1f}z")
        weight = ' font-weight="bold"' if bar.highlight else ""
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + 13}" text-anchor="end"{weight}>'
                     f"{escape(_clip(bar.label))}</text>")
        parts.append(f'<text x="{right + 4:.1f}" y="{y + 13}"{weight}>{escape(bar.text)}</text>')
    if others:
        parts.append(f'<path d="{"".join(others)}" fill="{OTHER}"/>')
    if median is not None:
        parts.append(_median_line(x(median), top - 6, height - 2, median_text))
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(frozen=True)
class Columns:
    """Many members as unlabelled columns, best first; the same for every report of a period."""

    values: tuple[float, ...]
    excluded: tuple[bool, ...]
    median: float | None
    median_text: str
    band: tuple[float, float] | None
    title: str


HEIGHT, TOP, BOTTOM = 170, 18, 150


def column_chart(columns: Columns, highlight: int | None, label: str, text: str) -> Markup:
    """The shared columns, with one authority's column drawn over them and named."""
    body, low, high = _column_body(columns)
    if highlight is None:
        return Markup(body + "</svg>")
    step = (WIDTH - 20) / len(columns.values)
    left = 10 + highlight * step
    upper, lower = sorted((_y(columns.values[highlight], low, high), _y(0.0, low, high)))
    anchor = "end" if left > WIDTH / 2 else "start"
    return Markup(f'{body}<rect x="{left:.1f}" y="{upper:.1f}" width="{max(step, 2):.1f}" '
                  f'height="{lower - upper:.1f}" fill="{MINE}"/>'
                  f'<text x="{left:.1f}" y="{HEIGHT - 4}" font-weight="bold" '
                  f'text-anchor="{anchor}">{escape(_clip(label))} {escape(text)}</text></svg>')


def _y(value: float, low: float, high: float) -> float:
    return BOTTOM - (value - low) / (high - low) * (BOTTOM - TOP)


@lru_cache(maxsize=512)
def _column_body(columns: Columns) -> tuple[str, float, float]:
    # Each column is one stroke of a shared path: a few bytes per member.
    low, high = _scale(list(columns.values), columns.band)
    step = (WIDTH - 20) / len(columns.values)
    base = _y(0.0, low, high)
    parts = [_open(HEIGHT, columns.title)]
    if columns.band:
        top, bottom = _y(columns.band[1], low, high), _y(columns.band[0], low, high)
        parts.append(f'<rect x="10" y="{top:.1f}" width="{WIDTH - 20}" '
                     f'height="{bottom - top:.1f}" fill="#e8f3e8"/>')
    # Columns sit one unit apart inside a group stretched to the plot width, so each column
    # is a short relative step ("m1 105V45") rather than absolute coordinates.
    shown: list[str] = []
    grey: list[str] = []
    for value, excluded in zip(columns.values, columns.excluded, strict=True):
        stroke = f"V{_y(value, low, high):.0f}"
        (grey if excluded else shown).append(stroke)
        (shown if excluded else grey).append("")
    parts.append(f'<g transform="translate(10 0) scale({step:.4f} 1)" fill="none" '
                 f'stroke-width="0.8">')
    for strokes, colour in ((shown, OTHER), (grey, GREY)):
        if any(strokes):
            parts.append(f'<path d="{_columns_path(strokes, base)}" stroke="{colour}"/>')
    parts.append("</g>")
    if columns.median is not None:
        ym = _y(columns.median, low, high)
        parts.append(f'<line x1="10" x2="{WIDTH - 10}" y1="{ym:.1f}" y2="{ym:.1f}" '
                     f'stroke="#222" stroke-dasharray="4 3"/>'
                     f'<text x="{WIDTH - 10}" y="{ym - 3:.1f}" text-anchor="end">'
                     f"median {escape(columns.median_text)}</text>")
    return "".join(parts), low, high


def _columns_path(strokes: list[str], base: float) -> str:
    """One path of vertical strokes at x = 0.5, 1.5, ...; an empty stroke is a gap."""
    path, last = [f"M-0.5 {base:.0f}"], None
    for stroke in strokes:
        if last is None:
            path.append("m1 0")
        else:
            path.append(f"m1 {base - float(last):.0f}")
        if stroke:
            path.append(stroke)
            last = stroke[1:]
        else:
            last = None
    return "".join(path)


STRIP_WIDTH = 320


def strip_chart(values: list[float], quartiles: tuple[float, float, float],
                ends: tuple[str, str], title: str = "") -> Markup:
    """A distribution on one line: the quartile box, the median and a dot per member."""
    if not values:
        return Markup("")
    low, high = min(values), max(values)
    span = high - low if high > low else 1.0

    def x(value: float) -> float:
        return 8 + (value - low) / span * (STRIP_WIDTH - 16)

    q1, q2, q3 = quartiles
    dots = "".join(f"M{x(v):.1f} 18a4 4 0 1 0 0.01 0z" for v in values)
    parts = [_open(52, title, STRIP_WIDTH),
             f'<rect x="{x(q1):.1f}" y="6" width="{max(x(q3) - x(q1), 1):.1f}" height="24" '
             f'fill="#e4e9f2" stroke="{OTHER}"/>',
             f'<line x1="{x(q2):.1f}" x2="{x(q2):.1f}" y1="2" y2="34" stroke="#222" '
             f'stroke-width="2"/>',
             f'<path d="{dots}" fill="none" stroke="#3b4f7a" stroke-width="1.5"/>',
             f'<text x="8" y="48">{escape(ends[0])}</text>',
             f'<text x="{STRIP_WIDTH - 8}" y="48" text-anchor="end">{escape(ends[1])}</text>',
             "</svg>"]
    return Markup("".join(parts))


def _open(height: float, title: str, width: int = WIDTH) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} '
            f'{height:.0f}" width="{width}" height="{height:.0f}" role="img" font-size="12">'
            f"<title>{escape(title)}</title>")


def _median_line(x: float, y1: float, y2: float, text: str) -> str:
    # The label sits above the first bar, clear of the value labels.
    anchor = "end" if x > WIDTH - 90 else "start"
    return (f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y1}" y2="{y2}" stroke="#222" '
            f'stroke-dasharray="4 3"/><text x="{x:.1f}" y="{y1 - 3}" font-size="11" '
            f'text-anchor="{anchor}">median {escape(text)}</text>')


def _clip(label: str, size: int = 24) -> str:
    return label if len(label) <= size else label[: size - 1] + "…"
