"""Small SVG charts written directly: vector, a few kilobytes each, quick for WeasyPrint.

WeasyPrint lays out and draws SVG text one letter at a time (each letter is a Pango layout), so
a chart labelled in SVG costs far more than its bars. The charts therefore carry no text: the
ranking chart's member names and values are two columns of HTML lines beside a bar SVG whose
rows are exactly one line tall, and the column and strip charts are named in their captions.
Bars of one colour are one ``<path>``, so a chart of 300 authorities is still a few elements.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

LABELLED_MAX = 20  # above this many members, bars become unlabelled columns
OTHER, MINE, GREY, BAND = "#8da0cb", "#d95f02", "#c4c4c4", "#e3f1e3"
PLOT = 300  # width of the bar plot in SVG units; rows are ROW units tall
ROW = 10
LINE = 1.25  # the ranking chart's line height in em: one bar per line of names
NNBSP = "\u202f"  # narrow no-break space: not stretched when a line is justified


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as the report prints it
    highlight: bool = False
    excluded: bool = False


def ranking_chart(bars: list[Bar], median: float | None,
                  band: tuple[float, float] | None = None, title: str = "") -> Markup:
    """All members' values, best first: a column of "name value" lines, the bars beside it.

    The chosen authority is bold with an orange bar, excluded values are grey, the median is
    a dashed line (its value is in the key under the chart) and a target band is shaded.
    Each line is justified so that the name sits left and the value right (a narrow no-break
    space inside a name keeps it whole): one text box per member, and an SVG of one line's
    height per bar, with no text in it.
    """
    if not bars:
        return Markup("")
    # The column is as wide as its longest line (see _em; bold is a tenth wider); the bars
    # take the rest of the width.
    column = max(_em(_clip(b.label)) + _em(b.text) for b in bars) * 1.1 + 1.2
    low, high = _scale([b.value for b in bars], band)

    def x(value: float) -> float:
        return 2 + (value - low) / (high - low) * (PLOT - 4)

    height = ROW * len(bars)
    parts = [f'<div class="bars"><div class="bn" style="width:{column:.1f}em">{_lines(bars)}'
             "</div>",
             _open(PLOT, height, title, f'preserveAspectRatio="none" style="width:calc(100% - '
                   f'{column + 0.1:.1f}em);height:{LINE * len(bars):g}em"')]
    if band:
        parts.append(f'<rect x="{x(band[0]):.1f}" y="0" width="{x(band[1]) - x(band[0]):.1f}" '
                     f'height="{height}" fill="{BAND}"/>')
    paths: dict[str, list[str]] = {OTHER: [], GREY: [], MINE: []}
    for i, bar in enumerate(bars):
        left, right = sorted((x(0.0), x(bar.value)))
        length = max(right - left, 0.5)
        colour = MINE if bar.highlight else GREY if bar.excluded else OTHER
        paths[colour].append(f"M{left:.1f} {i * ROW + 2}h{length:.1f}v6h{-length:.1f}z")
    for colour, segments in paths.items():
        if segments:
            parts.append(f'<path d="{"".join(segments)}" fill="{colour}"/>')
    if median is not None:
        parts.append(f'<path d="M{x(median):.1f} 0V{height}" stroke="#222" '
                     'stroke-dasharray="3 2"/>')
    parts.append("</svg></div>")
    return Markup("".join(parts))


def _lines(bars: list[Bar]) -> str:
    out = []
    for bar in bars:
        text = f"{escape(_clip(bar.label)).replace(' ', NNBSP)} {escape(bar.text)}"
        out.append(f"<b>{text}</b>" if bar.highlight else
                   f'<span class="ex">{text}</span>' if bar.excluded else text)
    return "\n".join(out)


def _em(text: str) -> float:
    """Roughly how many em ``text`` takes in a sans-serif face (DejaVu Sans is wide)."""
    return sum(0.64 if c.isdigit() else 0.3 if c in ",.:;' " else
               0.72 if c.isupper() else 0.6 for c in text)


def _scale(values: list[float], band: tuple[float, float] | None) -> tuple[float, float]:
    values = values + (list(band) if band else [])
    low, high = min(0.0, *values), max(0.0, *values)
    return low, (high if high > low else low + 1.0)


@dataclass(frozen=True)
class Columns:
    """Many members as unlabelled columns, best first; the same for every report of a period."""

    values: tuple[float, ...]
    excluded: tuple[bool, ...]
    median: float | None
    band: tuple[float, float] | None
    title: str


WIDTH, HEIGHT, TOP, BOTTOM = 500, 150, 4, 146


def column_chart(columns: Columns, highlight: int | None, label: str = "",
                 text: str = "") -> Markup:
    """The shared columns, with one authority's column drawn over them in orange.

    ``label`` and ``text`` name the highlighted column in the chart's title; the report's key
    names it in print.
    """
    body, low, high = _column_body(columns)
    if highlight is None:
        return Markup(body + "</svg>")
    step = (WIDTH - 20) / len(columns.values)
    left = 10 + highlight * step
    upper, lower = sorted((_y(columns.values[highlight], low, high), _y(0.0, low, high)))
    return Markup(f'{body}<rect x="{left:.1f}" y="{upper:.1f}" width="{max(step, 2):.1f}" '
                  f'height="{max(lower - upper, 0.5):.1f}" fill="{MINE}"/></svg>')


def _y(value: float, low: float, high: float) -> float:
    return BOTTOM - (value - low) / (high - low) * (BOTTOM - TOP)


@lru_cache(maxsize=512)
def _column_body(columns: Columns) -> tuple[str, float, float]:
    # Each column is one stroke of a shared path: a few bytes per member.
    low, high = _scale(list(columns.values), columns.band)
    step = (WIDTH - 20) / len(columns.values)
    base = _y(0.0, low, high)
    parts = [_open(WIDTH, HEIGHT, columns.title)]
    if columns.band:
        top, bottom = _y(columns.band[1], low, high), _y(columns.band[0], low, high)
        parts.append(f'<rect x="10" y="{top:.1f}" width="{WIDTH - 20}" '
                     f'height="{bottom - top:.1f}" fill="{BAND}"/>')
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
        parts.append(f'<path d="M10 {ym:.1f}H{WIDTH - 10}" stroke="#222" '
                     'stroke-dasharray="4 3"/>')
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
                title: str = "") -> Markup:
    """A distribution on one line: the quartile box, the median and a tick per member.

    The ends of the line are the minimum and maximum; the caption gives them as figures.
    """
    if not values:
        return Markup("")
    low, high = min(values), max(values)
    span = high - low if high > low else 1.0

    def x(value: float) -> float:
        return 8 + (value - low) / span * (STRIP_WIDTH - 16)

    q1, q2, q3 = quartiles
    # A tick per member (a rug), not a dot: an arc costs WeasyPrint far more than a line.
    ticks = "".join(f"M{x(v):.1f} 11v14" for v in values)
    parts = [_open(STRIP_WIDTH, 36, title),
             f'<rect x="{x(q1):.1f}" y="6" width="{max(x(q3) - x(q1), 1):.1f}" height="24" '
             f'fill="#e4e9f2" stroke="{OTHER}"/>',
             f'<path d="M{x(q2):.1f} 2V34" stroke="#222" stroke-width="2"/>',
             f'<path d="{ticks}" fill="none" stroke="#3b4f7a" stroke-width="1.5"/>',
             "</svg>"]
    return Markup("".join(parts))


def _open(width: int, height: float, title: str, extra: str = "") -> str:
    """An ``<svg>`` of ``width`` by ``height`` units, sized as that many pixels unless ``extra``
    says otherwise (the ranking chart's bars stretch to their box)."""
    size = extra or f'width="{width}" height="{height:.0f}"'
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} '
            f'{height:.0f}" {size} role="img"><title>{escape(title)}</title>')


def _clip(label: str, size: int = 24) -> str:
    return label if len(label) <= size else label[: size - 1] + "…"
