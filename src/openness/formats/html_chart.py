"""The five attributes as an inline SVG bar chart: no scripts, no fonts, no external requests."""

from __future__ import annotations

from html import escape

from ..model import Level, Rating

LEVEL_SCORE = {Level.OPEN: 1.0, Level.PARTIAL: 0.6, Level.CLOSED: 0.2, Level.UNKNOWN: 0.0}
LEVEL_COLOUR = {
    Level.OPEN: "#1a7f37",
    Level.PARTIAL: "#bf8700",
    Level.CLOSED: "#cf222e",
    Level.UNKNOWN: "#8c959f",
}
_LABEL_WIDTH, _BAR_WIDTH, _ROW, _PAD = 300, 320, 34, 8


def attribute_chart(ratings: tuple[Rating, ...]) -> str:
    height = _ROW * len(ratings) + _PAD
    width = _LABEL_WIDTH + _BAR_WIDTH + 90
    rows = []
    for i, r in enumerate(ratings):
        y = _PAD + i * _ROW
        bar = max(LEVEL_SCORE[r.level] * _BAR_WIDTH, 0)
        colour = LEVEL_COLOUR[r.level]
        rows.append(
            f'<text x="{_LABEL_WIDTH - 8}" y="{y + 17}" text-anchor="end">'
            f"{escape(r.attribute.label)}</text>"
            f'<rect x="{_LABEL_WIDTH}" y="{y}" width="{_BAR_WIDTH}" height="24" rx="4" '
            f'fill="none" stroke="#d0d7de" stroke-dasharray="4 3"/>'
            f'<rect x="{_LABEL_WIDTH}" y="{y}" width="{bar:.0f}" height="24" rx="4" '
            f'fill="{colour}"><title>{escape(r.level.value)}</title></rect>'
            f'<text x="{_LABEL_WIDTH + _BAR_WIDTH + 8}" y="{y + 17}" fill="{colour}" '
            f'font-weight="bold">{escape(r.level.value)}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-label="Five attributes of openness">'
        f'<g font-family="system-ui, sans-serif" font-size="14">{"".join(rows)}</g></svg>'
    )
