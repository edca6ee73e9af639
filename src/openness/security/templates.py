"""Chat templates (GGUF metadata, tokenizer_config.json, chat_template.jinja) scanned as text for
server-side template-injection patterns. Never parsed by Jinja, never rendered.

A chat template is rendered by whatever engine loads the model; a non-sandboxed Jinja environment
lets `{{ cycler.__init__.__globals__.os.popen(...) }}` run commands. Real chat templates loop over
messages and test roles; they never need dunder attributes, imports or computed attribute names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from functools import cache

from ..model import Evidence, FileEntry, Finding
from ..rules import finding

TEMPLATE_FACTS = ("gguf.chat_template", "tokenizer.chat_template_text")
SIZE_FACTS = {
    "gguf.chat_template_bytes": "gguf.chat_template",
    "tokenizer.chat_template_bytes": "tokenizer.chat_template_text",
}

#: (pattern, what it means); first match of each is reported with its line in the template
PATTERNS: tuple[tuple[str, str], ...] = (
    (r"__[a-z][a-z0-9_]*__", "dunder attribute access (object internals)"),
    (
        r"\b(?:cycler|joiner|namespace|lipsum|range|dict|self|config|request)\s*"
        r"(?:\.|\[|\|\s*attr)\s*['\"]?_",
        "private attribute of a Jinja global (sandbox escape)",
    ),
    (r"\\x5f|\\u005f|\\137|\\N\{LOW LINE\}", "escaped underscore (hides a dunder)"),
    (r"\|\s*attr\s*\(\s*(?!['\"][a-z])", "attr() filter with a computed or private name"),
    (r"\{%-?\s*(?:import|from|include|extends)\b", "template loads another template"),
    (r"\b(?:__import__|import_module|importlib)\b", "Python import"),
    (r"\b(?:os|subprocess|sys|builtins|posix)\s*\.\s*[a-z_]+", "Python module access"),
    (r"\b(?:popen|system|eval|exec|getattr|globals|subclasses|mro)\s*\(", "code execution"),
)


@cache
def _compiled() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Compiled on first use: most releases have no chat template."""
    return tuple((re.compile(p, re.IGNORECASE), why) for p, why in PATTERNS)


class TemplateAnalyzer:
    name = "chat-templates"

    def analyze(self, evidence: Sequence[Evidence], files: Sequence[FileEntry]) -> list[Finding]:
        out: list[Finding] = []
        kept: dict[tuple[str, str | None], int] = {}
        for e in evidence:
            if e.fact in TEMPLATE_FACTS and isinstance(e.value, str):
                out += scan_template(e)
                kept[(e.location.file, e.location.key)] = len(e.value.encode())
        for e in evidence:
            if e.fact in SIZE_FACTS and isinstance(e.value, int):
                have = kept.get((e.location.file, e.location.key))
                if have is not None and e.value > have:
                    out.append(
                        finding(
                            "OPN-TPL-002",
                            f"only the first {have:,} of {e.value:,} template bytes were scanned",
                            e.location,
                            "chat template",
                        )
                    )
        return out


def scan_template(e: Evidence) -> list[Finding]:
    assert isinstance(e.value, str)
    text = e.value
    out: list[Finding] = []
    for pattern, why in _compiled():
        m = pattern.search(text)
        if m is None:
            continue
        line = text.count("\n", 0, m.start()) + 1
        key = f"{e.location.key or 'chat_template'}:line {line}"
        out.append(
            finding(
                "OPN-TPL-001",
                f"chat template: {why}",
                replace(e.location, key=key),
                m.group(0)[:80],
            )
        )
    return out
