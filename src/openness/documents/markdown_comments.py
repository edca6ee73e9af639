"""HTML comments of a Markdown document: text a reader of the rendered page never sees.

A README often keeps a withdrawn section (`<!-- ### Finetuning ... -->`); what it says is not a
claim of the release. The comments are blanked, not cut, so every line keeps its number.
"""

from __future__ import annotations

import re

_MARKDOWN = (".md", ".markdown", ".mdx")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def is_markdown(path: str) -> bool:
    return path.lower().endswith(_MARKDOWN)


def without_html_comments(text: str) -> str:
    """`text` with each `<!-- ... -->` outside code fences replaced by spaces (line breaks kept);
    an unclosed comment runs to the end, as a Markdown renderer hides it."""
    if "<!--" not in text:
        return text
    out: list[str] = []
    fence = ""
    commented = False
    for line in text.split("\n"):
        if not commented:
            opening = _FENCE.match(line)
            if fence:
                if (
                    opening
                    and opening.group(1)[0] == fence[0]
                    and len(opening.group(1)) >= len(fence)
                ):
                    fence = ""
                out.append(line)
                continue
            if opening:
                fence = opening.group(1)
                out.append(line)
                continue
        kept, commented = _blank_comments(line, commented)
        out.append(kept)
    return "\n".join(out)


def _blank_comments(line: str, commented: bool) -> tuple[str, bool]:
    chars = list(line)
    i = 0
    while i < len(line):
        if commented:
            end = line.find("-->", i)
            stop = len(line) if end < 0 else end + 3
            chars[i:stop] = (c if c.isspace() else " " for c in line[i:stop])
            if end < 0:
                return "".join(chars), True
            commented, i = False, stop
        else:
            start = line.find("<!--", i)
            if start < 0:
                break
            commented, i = True, start
    return "".join(chars), commented
