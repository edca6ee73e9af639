"""The five attributes as an inline SVG bar chart: no scripts, no fonts, no external requests."""

from __future__ import annotations

from html import escape

LEVEL_SCORE = {"open": 1.0, "partial": 0.6, "closed": 0.2, "unknown": 0.0}
LEVEL_COLOUR = {"open": "#1a7f37", "partial": "#bf8700", "closed": "#cf222e", "unknown": "#8c959f"}
_LABEL_WIDTH, _BAR_WIDTH, _ROW, _PAD = 300, 320, 34, 8


def attribute_chart(ratings: tuple[tuple[str, str], ...]) -> str:
    """One bar per (attribute label, level)."""
    height = _ROW * len(ratings) + _PAD
    width = _LABEL_WIDTH + _BAR_WIDTH + 90
    rows = []
    for i, (label, level) in enumerate(ratings):
        y = _PAD + i * _ROW
        bar = max(LEVEL_SCORE.get(level, 0.0) * _BAR_WIDTH, 0)
        colour = LEVEL_COLOUR.get(level, LEVEL_COLOUR["unknown"])
        rows.append(
            f'<text x="{_LABEL_WIDTH - 8}" y="{y + 17}" text-anchor="end">'
            f"{escape(label)}</text>"
            f'<rect x="{_LABEL_WIDTH}" y="{y}" width="{_BAR_WIDTH}" height="24" rx="4" '
            f'fill="none" stroke="#d0d7de" stroke-dasharray="4 3"/>'
            f'<rect x="{_LABEL_WIDTH}" y="{y}" width="{bar:.0f}" height="24" rx="4" '
            f'fill="{colour}"><title>{escape(level)}</title></rect>'
            f'<text x="{_LABEL_WIDTH + _BAR_WIDTH + 8}" y="{y + 17}" fill="{colour}" '
            f'font-weight="bold">{escape(level)}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-label="Five attributes of openness">'
        f'<g font-family="system-ui, sans-serif" font-size="14">{"".join(rows)}</g></svg>'
    )
