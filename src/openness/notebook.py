"""Notebook views of an Assessment: `_repr_html_` shows the self-contained HTML report in a
sandboxed frame (its own styles, no scripts, nothing fetched), after a one-line verdict that
also survives viewers that drop frames; `_repr_markdown_` is the Markdown report. Both open with
the verdict. Registered in model.DISPLAYS when this module is imported (pipeline and serialize do).
"""

from __future__ import annotations

from html import escape

from .model import DISPLAYS, Assessment

#: the frame's height; the report scrolls inside it
FRAME_HEIGHT = "36rem"


def html(a: Assessment) -> str:
    from .formats import context
    from .formats import html as report

    v = context.build(a)
    answers = " · ".join(
        f"{escape(x.question)}: {escape(x.mark)} {escape(x.short)}" for x in v.answers
    )
    name = escape(v.name.value)
    # sandbox without allow-scripts or allow-same-origin: the page can run nothing and reach
    # nothing of the notebook; its CSP (default-src 'none') forbids every load
    frame = (
        f'<iframe title="openness report: {name}" sandbox="" referrerpolicy="no-referrer" '
        f'srcdoc="{escape(report.render(a), quote=True)}" '
        f'style="width:100%;height:{FRAME_HEIGHT};border:1px solid #d0d7de"></iframe>'
    )
    head = f"<p><b>openness</b> <code>{name}</code>: {answers}</p>"
    return f'<div class="openness">{head}{frame}</div>'


def markdown(a: Assessment) -> str:
    from .formats import markdown as report

    return report.render(a)


DISPLAYS.setdefault("text/html", html)
DISPLAYS.setdefault("text/markdown", markdown)
