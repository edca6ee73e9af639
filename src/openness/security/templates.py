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


#: the same, over the template's code (`{{ }}`, `{% %}`) with string literals blanked, so a `[`
#: or `~` inside a literal does not count: names computed from pieces, which a non-sandboxed
#: Jinja resolves as attributes (`x['__init__']` falls back to getattr) however they were built
CODE_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        r"\b(?:cycler|joiner|namespace|lipsum|range|dict|self|config|request)\s*\[",
        "item of a Jinja global (sandbox escape)",
    ),
    (
        r"(?<=[\w)\]'])\[[^\[\]]*(?:'\s*[~+*]|[~+*]\s*'|\|\s*(?:join|format|string))[^\[\]]*\]",
        "item name computed from string pieces",
    ),
    (r"\|\s*string\s*\)\s*\[", "character taken from an object's text"),
)
#: over the code with literals kept: underscores and their character code as building blocks
PIECE_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        r"(['\"])_+\1\s*[~+*]|[~+*]\s*(['\"])_+\2|\[\s*(['\"])_+\3\s*,",
        "underscores joined into a name (builds a private name)",
    ),
    (r"\|\s*format\s*\([^)]*\b95\b", "underscore made from its character code"),
)
_CODE = r"\{\{.*?\}\}|\{%.*?%\}"
_STRING = r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\""
_SET = r"\{%-?\s*set\s+(\w+)\s*=\s*(.*?)-?%\}"


@cache
def _compiled() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Compiled on first use: most releases have no chat template."""
    return tuple((re.compile(p, re.IGNORECASE), why) for p, why in PATTERNS)


@cache
def _compiled_code() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(p, re.S), why) for p, why in CODE_PATTERNS)


@cache
def _compiled_pieces() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(p, re.S), why) for p, why in PIECE_PATTERNS)


def _code(text: str, blank_strings: bool) -> str:
    """The template with text outside `{{ }}`/`{% %}` blanked (same length, so offsets hold);
    string literals become `'xxx'` when `blank_strings`."""
    out = [" "] * len(text)
    for block in re.finditer(_CODE, text, re.S):
        code = block.group(0)
        if blank_strings:
            code = re.sub(_STRING, lambda m: "'" + "x" * (len(m.group(0)) - 2) + "'", code)
        out[block.start() : block.end()] = code
    return "".join(out)


def _computed_matches(text: str) -> list[tuple[int, str, str]]:
    """(offset, matched text, why) for names computed from pieces, first of each kind."""
    code, literal = _code(text, True), _code(text, False)
    out: list[tuple[int, str, str]] = []
    for source, patterns in ((code, _compiled_code()), (literal, _compiled_pieces())):
        for pattern, why in patterns:
            m = pattern.search(source)
            if m is not None:
                out.append((m.start(), text[m.start() : m.end()], why))
    built = [
        m.group(1)
        for m in re.finditer(_SET, code, re.S)
        if re.search(r"~|'\s*[+*]|[+*]\s*'|\|\s*(?:join|format|string)", m.group(2))
    ]
    for name in built:
        m = re.search(rf"\[\s*{re.escape(name)}\s*\]", code)
        if m is not None:
            out.append((m.start(), text[m.start() : m.end()], "item named by a computed string"))
            break
    return out


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
    found = [(m.start(), m.group(0), why) for p, why in _compiled() if (m := p.search(text))]
    for start, matched, why in found + _computed_matches(text):
        line = text.count("\n", 0, start) + 1
        key = f"{e.location.key or 'chat_template'}:line {line}"
        out.append(
            finding(
                "OPN-TPL-001",
                f"chat template: {why}",
                replace(e.location, key=key),
                matched[:80],
            )
        )
    return out
