"""A self-contained HTML report: one page, inline CSS and SVG, no scripts, no external requests.

The body is html_sections.sections, the renderer the dashboard's model page uses too. Every
string that comes from the release (names, card headings, reasons, paths) is escaped, and a
Content-Security-Policy forbids scripts and remote loads even if something slipped through.
"""

from __future__ import annotations

from html import escape

from ..model import Assessment
from . import context, html_sections
from .html_chart import attribute_chart
from .interface import DEFAULT_OPTIONS, RenderOptions

FORMAT_NAME = "html"
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)
_CSS = (
    "\nbody{font-family:system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;"
    "color:#1f2328}\nh1{font-size:1.6rem}" + html_sections.CSS
)


def render(a: Assessment, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    v = context.build(a)
    name = _e(v.name.value)
    chart = attribute_chart(tuple((r.label, r.level) for r in v.ratings))
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Openness assessment: {name}</title><style>{_CSS}</style></head><body>",
        f"<h1>Openness assessment: <code>{name}</code></h1>",
        html_sections.sections(v, chart),
        f'<p class="note">openness {_e(v.tool_version)}, schema <code>{_e(v.schema)}</code>. '
        "Every claim cites the file and line, key or byte offset it rests on.</p>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _e(text: object) -> str:
    return escape(str(text), quote=True)
