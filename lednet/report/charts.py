"""Small SVG charts written directly: vector, a few kilobytes each, quick for WeasyPrint.

Every bar of the non-highlighted members is one segment of a single ``<path>``, so a chart of
300 authorities is still three or four elements.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    """All members' values, best first, the chosen authority highlighted, median dashed."""
    if not bars:
        return Markup("")
    if len(bars) <= LABELLED_MAX:
        return _labelled(bars, median, median_text, band, title)
    return _columns(bars, median, median_text, band, title)


def _scale(bars: list[Bar], band: tuple[float, float] | None) -> tuple[float, float]:
    values = [b.value for b in bars] + (list(band) if band else [])
    low, high = min(0.0, *values), max(0.0, *values)
    return low, (high if high > low else low + 1.0)


def _labelled(bars: list[Bar], median: float | None, median_text: str,
              band: tuple[float, float] | None, title: str) -> Markup:
    low, high = _scale(bars, band)
    plot = WIDTH - LABEL_WIDTH - 70
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


def _columns(bars: list[Bar], median: float | None, median_text: str,
             band: tuple[float, float] | None, title: str) -> Markup:
    low, high = _scale(bars, band)
    height, top, bottom = 170, 18, 150
    step = (WIDTH - 20) / len(bars)

    def y(value: float) -> float:
        return bottom - (value - low) / (high - low) * (bottom - top)

    parts = [_open(height, title)]
    if band:
        parts.append(f'<rect x="10" y="{y(band[1]):.1f}" width="{WIDTH - 20}" '
                     f'height="{y(band[0]) - y(band[1]):.1f}" fill="#e8f3e8"/>')
    others, mine = [], ""
    for i, bar in enumerate(bars):
        left = 10 + i * step
        upper, lower = sorted((y(bar.value), y(0.0)))
        if bar.highlight:
            mine = (f'<rect x="{left:.1f}" y="{upper:.1f}" width="{max(step, 2):.1f}" '
                    f'height="{lower - upper:.1f}" fill="{MINE}"/>'
                    f'<text x="{left:.1f}" y="{height - 4}" font-weight="bold">'
                    f"{escape(_clip(bar.label))} {escape(bar.text)}</text>")
        elif not bar.excluded:
            wide = step * 0.8
            others.append(f"M{left:.2f} {upper:.1f}h{wide:.2f}V{lower:.1f}h{-wide:.2f}z")
    parts.append(f'<path d="{"".join(others)}" fill="{OTHER}"/>{mine}')
    if median is not None:
        ym = y(median)
        parts.append(f'<line x1="10" x2="{WIDTH - 10}" y1="{ym:.1f}" y2="{ym:.1f}" '
                     f'stroke="#222" stroke-dasharray="4 3"/>'
                     f'<text x="{WIDTH - 10}" y="{ym - 3:.1f}" text-anchor="end">'
                     f"median {escape(median_text)}</text>")
    parts.append("</svg>")
    return Markup("".join(parts))


def strip_chart(values: list[float], quartiles: tuple[float, float, float], low: float,
                high: float, highlight: float | None = None, title: str = "") -> Markup:
    """A distribution on one line: the quartile box, the median and a dot per member."""
    if not values:
        return Markup("")
    span = high - low if high > low else 1.0

    def x(value: float) -> float:
        return 10 + (value - low) / span * (WIDTH - 20)

    q1, q2, q3 = quartiles
    dots = "".join(f"M{x(v):.1f} 20a3 3 0 1 0 0.01 0z" for v in values)
    parts = [_open(40, title),
             f'<rect x="{x(q1):.1f}" y="10" width="{max(x(q3) - x(q1), 1):.1f}" height="20" '
             f'fill="#e4e9f2" stroke="#8da0cb"/>',
             f'<line x1="{x(q2):.1f}" x2="{x(q2):.1f}" y1="6" y2="34" stroke="#222" '
             f'stroke-width="2"/>',
             f'<path d="{dots}" fill="none" stroke="#3b4f7a" stroke-width="1.5"/>']
    if highlight is not None:
        parts.append(f'<circle cx="{x(highlight):.1f}" cy="20" r="4.5" fill="{MINE}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _open(height: float, title: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} '
            f'{height:.0f}" width="{WIDTH}" height="{height:.0f}" role="img" font-size="12">'
            f"<title>{escape(title)}</title>")


def _median_line(x: float, y1: float, y2: float, text: str) -> str:
    # The label sits above the first bar, clear of the value labels.
    anchor = "end" if x > WIDTH - 90 else "start"
    return (f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y1}" y2="{y2}" stroke="#222" '
            f'stroke-dasharray="4 3"/><text x="{x:.1f}" y="{y1 - 3}" font-size="11" '
            f'text-anchor="{anchor}">median {escape(text)}</text>')


def _clip(label: str, size: int = 24) -> str:
    return label if len(label) <= size else label[: size - 1] + "…"
