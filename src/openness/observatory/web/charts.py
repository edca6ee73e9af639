"""Inline SVG charts: no scripts, no fonts, no external requests; every label escaped."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from markupsafe import Markup

from ...formats.html_chart import LEVEL_COLOUR, LEVEL_SCORE
from ...model import Attribute, Level

LEVEL_ORDER = (Level.OPEN, Level.PARTIAL, Level.CLOSED, Level.UNKNOWN)


def _level(value: object) -> Level:
    try:
        return Level(str(value))
    except ValueError:
        return Level.UNKNOWN


def attribute_chart(
    levels: Mapping[str, object], *, label: str = "", compact: bool = False
) -> Markup:
    """One model: a bar per attribute, its length and colour the level. `compact` puts each
    label above its bar, so the chart keeps a readable text size in a narrow column."""
    if compact:
        return _compact_attribute_chart(levels, label)
    label_w, bar_w, row = 300, 300, 32
    parts = []
    for i, attribute in enumerate(Attribute):
        level = _level(levels.get(attribute.value))
        y = 6 + i * row
        colour = LEVEL_COLOUR[level]
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">{escape(attribute.label)}'
            f'</text><rect x="{label_w}" y="{y}" width="{bar_w}" height="22" fill="none" '
            f'stroke="#d0d7de" stroke-dasharray="4 3"/><rect class="level-{level.value}" '
            f'x="{label_w}" y="{y}" width="{LEVEL_SCORE[level] * bar_w:.0f}" height="22" '
            f'fill="{colour}"/><text x="{label_w + bar_w + 8}" y="{y + 16}" fill="{colour}" '
            f'font-weight="bold">{level.value}</text>'
        )
    return _svg(label_w + bar_w + 80, 6 + row * 5, label or "Five attributes of openness", parts)


def _compact_attribute_chart(levels: Mapping[str, object], label: str) -> Markup:
    bar_w, row = 220, 46
    parts = []
    for i, attribute in enumerate(Attribute):
        level = _level(levels.get(attribute.value))
        y = 4 + i * row
        colour = LEVEL_COLOUR[level]
        parts.append(
            f'<text x="0" y="{y + 13}">{escape(attribute.label)}</text>'
            f'<rect x="0" y="{y + 18}" width="{bar_w}" height="20" fill="none" '
            f'stroke="#d0d7de" stroke-dasharray="4 3"/><rect class="level-{level.value}" '
            f'x="0" y="{y + 18}" width="{LEVEL_SCORE[level] * bar_w:.0f}" height="20" '
            f'fill="{colour}"/><text x="{bar_w + 8}" y="{y + 33}" fill="{colour}" '
            f'font-weight="bold">{level.value}</text>'
        )
    return _svg(bar_w + 80, 4 + row * 5, label or "Five attributes of openness", parts)


def level_distribution(levels: Sequence[tuple[str, Sequence[tuple[str, int]]]]) -> Markup:
    """Many models: per attribute, a bar split by the share of each level."""
    label_w, bar_w, row = 300, 400, 32
    parts = []
    for i, (name, counts) in enumerate(levels):
        by = {k: v for k, v in counts}
        total = sum(by.values()) or 1
        y = 6 + i * row
        title = _attribute_label(name)
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">{escape(title)}</text>'
        )
        x = float(label_w)
        for level in LEVEL_ORDER:
            n = by.get(level.value, 0)
            if not n:
                continue
            w = n / total * bar_w
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="22" '
                f'fill="{LEVEL_COLOUR[level]}"><title>{level.value}: {n}</title></rect>'
            )
            x += w
    parts += _legend(label_w, 6 + row * len(levels))
    return _svg(label_w + bar_w + 20, 34 + row * len(levels), "Levels by attribute", parts)


def bar_chart(
    counts: Sequence[tuple[str, int]],
    label: str,
    colour: str = "#0969da",
    colours: Mapping[str, str] | None = None,
) -> Markup:
    """Horizontal bars, one per (name, count), longest first as given; `colours` gives some
    names their own colour (e.g. grey for "no class")."""
    label_w, bar_w, row = 220, 360, 24
    peak = max((n for _, n in counts), default=0) or 1
    parts = []
    for i, (name, n) in enumerate(counts):
        y = 4 + i * row
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 14}" text-anchor="end">{escape(_short(name))}</text>'
            f'<rect x="{label_w}" y="{y}" width="{n / peak * bar_w:.1f}" height="18" '
            f'fill="{(colours or {}).get(name, colour)}"/>'
            f'<text x="{label_w + n / peak * bar_w + 6:.1f}" y="{y + 14}">{n}'
            "</text>"
        )
    return _svg(label_w + bar_w + 70, 8 + row * max(len(counts), 1), label, parts)


def month_chart(months: Sequence[tuple[str, int, int, int]]) -> Markup:
    """Releases by month (columns), the open-license part darker."""
    col, height, base = 28, 160, 180
    peak = max((n for _, n, _, _ in months), default=0) or 1
    parts = []
    for i, (month, n, open_n, _washing) in enumerate(months):
        x = 40 + i * col
        h, oh = n / peak * height, open_n / peak * height
        parts.append(
            f'<rect x="{x}" y="{base - h:.1f}" width="{col - 6}" height="{h:.1f}" fill="#8c959f">'
            f"<title>{escape(month)}: {n} releases, {open_n} open license</title></rect>"
            f'<rect x="{x}" y="{base - oh:.1f}" width="{col - 6}" height="{oh:.1f}" '
            f'fill="#1a7f37"/><text x="{x}" y="{base + 14}" font-size="9">{escape(month[2:])}'
            "</text>"
        )
    return _svg(60 + col * max(len(months), 1), base + 24, "Releases by month", parts)


def _legend(x: int, y: int) -> list[str]:
    out = []
    for i, level in enumerate(LEVEL_ORDER):
        lx = x + i * 100
        out.append(
            f'<rect x="{lx}" y="{y + 4}" width="12" height="12" fill="{LEVEL_COLOUR[level]}"/>'
            f'<text x="{lx + 16}" y="{y + 15}">{level.value}</text>'
        )
    return out


def _attribute_label(name: str) -> str:
    try:
        return Attribute(name).label
    except ValueError:
        return name


def _short(text: str, limit: int = 32) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _svg(width: float, height: float, label: str, parts: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'aria-label="{escape(label)}"><g font-family="system-ui, sans-serif" font-size="13">'
        f"{''.join(parts)}</g></svg>"
    )
