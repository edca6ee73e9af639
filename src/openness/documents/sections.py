"""Markdown headings (ATX and setext, outside fenced code) mapped to canonical card topics."""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..lazy_re import lazy
from ..model import Section

# topic -> (pattern, unless). Matched against the lower-cased heading text; a heading may map
# to several topics ("Limitations and Bias").
TOPIC_PATTERNS: dict[str, tuple[str, str | None]] = {
    "intended_use": (
        r"\b(intended|direct|downstream|primary) uses?\b|^uses?$|\buse cases?\b",
        r"out[- ]of[- ]scope|\bnot intended\b|misuse|malicious",
    ),
    "out_of_scope": (
        r"out[- ]of[- ]scope|\bnot intended\b|\bprohibited uses?\b|\bunintended\b|"
        r"\buses? to avoid\b",
        None,
    ),
    # "Pre-training tips and caveats" is a how-to, not the model's limitations
    "limitations": (
        r"\blimitations?\b|\bshortcomings\b|\bknown issues\b|\bcaveats\b",
        r"\btips\b|\bhow to\b",
    ),
    "bias_risks": (r"\bbias(es)?\b|\brisks?\b|\bethic(s|al)\b|\bfairness\b|\bharms?\b", None),
    "training_data": (
        r"\b(pre-?)?training data(sets?)?\b|^data(sets?)?$|\btraining corpus\b|"
        r"\bdata sources?\b",
        None,
    ),
    "training_procedure": (
        r"^training$|\btraining (procedure|details|setup|process|regime|"
        r"hyper-?parameters)\b|\bpre-?training$|\bfine-?tuning\b|"
        r"\bhyper-?parameters\b",
        r"\bdata\b",
    ),
    "evaluation": (
        r"\bevaluations?\b|\bbenchmarks?\b|\bresults\b|\bmetrics\b|\bperformance\b",
        None,
    ),
    "environmental_impact": (
        # "Environment" alone is the software to install, not the environmental impact
        r"\benvironmental\b|\bcarbon\b|\bco2\b|\bemissions?\b|"
        r"\benergy\b",
        None,
    ),
    "safety": (
        r"\bsafety\b|\bmisuse\b|\bmitigations?\b|\bresponsib(le|ility)\b|\bred[- ]?team|"
        r"\bmalicious\b",
        None,
    ),
    "citation": (r"\bcitations?\b|\bcite\b|\bciting\b|\bbibtex\b", None),
}
_TOPICS = tuple(
    (topic, re.compile(p), re.compile(u) if u else None) for topic, (p, u) in TOPIC_PATTERNS.items()
)

_FENCE = lazy(r" {0,3}(`{3,}|~{3,})")
_ATX = lazy(r" {0,3}(#{1,6})(?:[ \t]|$)")
_SETEXT = lazy(r" {0,3}(=+|-+)[ \t]*")
_NOT_PARAGRAPH = lazy(r"\s*([-*+]\s|\d{1,9}[.)]\s|>|\|)")
_MARKUP = lazy(r"\[([^\]]*)\]\([^)]*\)|<[^>]{0,200}>|[*_`]+")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int  # 1-based
    index: int  # position of its first line in the line list
    body: int  # position of the first line after it


def topics_for(heading: str) -> tuple[str, ...]:
    text = " ".join(heading.lower().replace("&", " and ").split()).strip(" :.")
    return tuple(
        topic
        for topic, pattern, unless in _TOPICS
        if pattern.search(text) and not (unless and unless.search(text))
    )


def find_headings(lines: Sequence[str], first_line: int = 1) -> list[Heading]:
    """Headings in `lines` (line i is card line first_line + i), skipping fenced code."""
    out: list[Heading] = []
    fence: str | None = None
    paragraph: list[str] = []
    for i, line in enumerate(lines):
        stripped = line.strip()
        if fence is not None:
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = None
            continue
        m = _FENCE.match(line)
        if m:
            fence, paragraph = m.group(1), []
            continue
        m = _ATX.match(line)
        if m:
            out.append(
                Heading(len(m.group(1)), _atx_text(line[m.end() :]), first_line + i, i, i + 1)
            )
            paragraph = []
            continue
        m = _SETEXT.fullmatch(line)
        if m and paragraph:
            level = 1 if m.group(1)[0] == "=" else 2
            start = i - len(paragraph)
            out.append(Heading(level, clean(" ".join(paragraph)), first_line + start, start, i + 1))
            paragraph = []
            continue
        if not stripped or line.startswith("    ") or _NOT_PARAGRAPH.match(line):
            paragraph = []
        else:
            paragraph.append(stripped)
    return out


def _atx_text(rest: str) -> str:
    text = rest.strip()
    closing = text.rstrip("#")
    if closing != text and (not closing or closing[-1] in " \t"):
        text = closing.strip()
    return clean(text)


def clean(text: str) -> str:
    return " ".join(_MARKUP.sub(lambda m: m.group(1) or "", text[:500]).split())


def sections(lines: Sequence[str], first_line: int = 1) -> list[Section]:
    """A Section for every (heading, topic) pair; words count the body up to the next heading
    of the same or a higher level."""
    headings = find_headings(lines, first_line)
    out: list[Section] = []
    for n, h in enumerate(headings):
        topics = topics_for(h.text)
        if not topics:
            continue
        end = next(
            (
                headings[k].index
                for k in range(n + 1, len(headings))
                if headings[k].level <= h.level
            ),
            len(lines),
        )
        words = sum(_count_words(line) for line in lines[h.body : end])
        out.extend(Section(topic, h.text, h.line, words) for topic in topics)
    return out


#: a line that is only a bold label ("**Out-of-scope use cases**"), after a blank line: the
#: sub-headings of the model card template many cards follow
_LABEL = lazy(r" {0,3}\*\*([^*\n]{1,80}?):?\*\*:?[ \t]*")
_LABEL_LEVEL = 7  # below every Markdown heading: it ends at the next label or heading


def with_labels(
    lines: Sequence[str], headings: list[Heading], first_line: int = 1
) -> list[Heading]:
    """`headings` and the bold labels between them (outside fenced code), in order."""
    taken = {h.index for h in headings} | _fenced(lines)
    labels = [
        Heading(_LABEL_LEVEL, clean(m.group(1)), first_line + i, i, i + 1)
        for i, line in enumerate(lines)
        if i not in taken
        and (i == 0 or not lines[i - 1].strip() or (i - 1) in taken)
        and (m := _LABEL.fullmatch(line))
    ]
    return sorted([*headings, *labels], key=lambda h: h.index) if labels else headings


def _fenced(lines: Sequence[str]) -> set[int]:
    out: set[int] = set()
    fence: str | None = None
    for i, line in enumerate(lines):
        stripped = line.strip()
        if fence is not None:
            out.add(i)
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = None
        elif m := _FENCE.match(line):
            fence = m.group(1)
            out.add(i)
    return out


def _count_words(line: str) -> int:
    return sum(1 for token in line.split() if any(c.isalnum() for c in token))


def section_excerpts(
    lines: Sequence[str], first_line: int = 1, cap: int = 500
) -> list[tuple[str, int, str]]:
    """(topic, heading line, the section's body as one line of at most `cap` characters), so
    exports can quote a card's use cases and limitations without reading the release again."""
    headings = find_headings(lines, first_line)
    out: list[tuple[str, int, str]] = []
    for n, h in enumerate(headings):
        topics = topics_for(h.text)
        if not topics:
            continue
        end = next((k.index for k in headings[n + 1 :] if k.level <= h.level), len(lines))
        text = ""
        for line in lines[h.body : end]:
            text = f"{text} {line.strip()}" if text else line.strip()
            if len(text) > cap:
                break
        text = " ".join(text.split())
        if len(text) > cap:
            text = text[: cap - 1].rstrip() + "…"
        if text:
            out.extend((topic, h.line, text) for topic in topics)
    return out


def heading_at(headings: Sequence[Heading], line: int) -> Heading | None:
    """The last heading at or before `line` (1-based), by bisection: a document may hold
    many thousands of headings and links."""
    index = bisect.bisect_right(headings, line, key=lambda h: h.line)
    return headings[index - 1] if index else None


def heading_path(headings: Sequence[Heading], line: int, walk: int = 200) -> list[Heading]:
    """The heading at `line` and the headings it sits under ("General Domain" under
    "Benchmark Results"), nearest first; at most `walk` headings are looked back over."""
    index = bisect.bisect_right(headings, line, key=lambda h: h.line)
    path: list[Heading] = []
    for heading in reversed(headings[max(0, index - walk) : index]):
        if not path or heading.level < path[-1].level:
            path.append(heading)
            if heading.level <= 1:
                break
    return path
