"""A file of several licenses, one after another: the file's own license, then the licenses of
third-party code it includes ("---- LICENSE FOR NVIDIA code ----", a NOTICE's list).

Read as one text such a file blends into a "modified" license that is none of them (GPT-NeoX's
LICENSE: Apache 2.0, then the BSD, Apache and MIT texts of code it includes, read as "modified
Apache 2.0 (92%)"). It is cut at separator lines (a rule of dashes, equals signs, stars, with or
without a heading in it) and each part is matched alone. It counts as a concatenation only when
at least two parts are each identified as a license on their own: a single license with a
horizontal rule in it is not cut, because its halves are not whole licenses.

The licenses before the first separator are the file's own; those after one are included
third-party licenses (scope `third-party`): they bind the code they came with, not the release.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..lazy_re import lazy
from .match import IDENTIFIED, TextMatch, match_text
from .text import MAX_TEXT_CHARS

#: a separator line: a rule of 3+ marks, or "--" alone, with at most a short heading inside
_RULE = lazy(
    r"^\s*(?:[-=*_~#]{3,}|--)\s*(?P<heading>[^\n]{0,120}?)\s*[-=*_~#]*\s*$",
)
#: a heading inside a rule is a label, not prose ("LICENSE FOR NVIDIA code")
_MAX_HEADING_WORDS = 12
#: fewer words than this is not a license text (a heading, a sentence of prose)
_MIN_PART_WORDS = 60
#: a file cut into more parts than this is read as one text (bounded work)
_MAX_PARTS = 24
#: at most this many texts, and this many characters in all, are matched for one file (each
#: join is one): a hostile file of many rules costs about one more whole-text match
_MAX_MATCHES = 48
_MAX_MATCHED_CHARS = MAX_TEXT_CHARS
#: a license may hold rules of its own (Creative Commons licenses do): up to this many
#: consecutive parts are joined until they make one license
_MAX_JOIN = 6


@dataclass(frozen=True)
class Part:
    """One license of a concatenated file: its match (lines are the file's) and whether it was
    included from third-party code (after a separator) or is the file's own."""

    match: TextMatch
    first_line: int
    heading: str | None
    included: bool


def split(text: str) -> list[tuple[int, int, str | None]]:
    """Where the text is cut at separator lines: (first, end) 0-based line ranges with the
    separator's heading, [] when it holds no separator or too many."""
    lines = text.split("\n")
    out: list[tuple[int, int, str | None]] = []
    start, heading = 0, None
    for number, line in enumerate(lines):
        m = _RULE.match(line) if line.strip()[:1] in "-=*_~#" else None
        if m is None or not _is_rule(line, m.group("heading")):
            continue
        out.append((start, number, heading))
        start, heading = number + 1, (m.group("heading") or None)
        if len(out) > _MAX_PARTS:
            return []
    out.append((start, len(lines), heading))
    return out if len(out) > 1 else []


def _is_rule(line: str, heading: str) -> bool:
    marks = sum(1 for c in line if c in "-=*_~#")
    if heading and len(heading.split()) > _MAX_HEADING_WORDS:
        return False
    if line.lstrip().startswith("#") and not line.strip().endswith(("#", "-", "=")):
        return False  # a markdown heading ("## License") or a comment, not a rule
    return marks >= 3 or line.strip() == "--"


def _license_from(
    lines: list[str], pieces: list[tuple[int, int, str | None]], i: int, budget: list[int]
) -> tuple[int, TextMatch | None]:
    """The license that starts at piece i: (the last piece it spans, its match). Pieces are
    joined while they are not identified, never across a headed rule; a piece that is not
    identified alone is kept when it resembles a license, prose (a preamble) is dropped."""
    first = pieces[i][0]
    alone: TextMatch | None = None
    for j in range(i, min(len(pieces), i + _MAX_JOIN)):
        if j > i and pieces[j][2] is not None:
            break  # a headed rule ("LICENSE FOR X code") always starts another license
        body = "\n".join(lines[first : pieces[j][1]])
        if len(body.split()) < _MIN_PART_WORDS:
            continue  # a title or a heading: joined with what follows
        if budget[0] <= 0 or budget[1] < len(body):
            break
        budget[0] -= 1
        budget[1] -= len(body)
        m = match_text(body, first + 1)
        if m.status == IDENTIFIED:
            return j, m
        if alone is None:
            alone = m
            if not _resembles_a_license(m):
                break  # prose (a notice's preamble) does not start a license
    return i, alone if alone is not None and _resembles_a_license(alone) else None


def _resembles_a_license(m: TextMatch) -> bool:
    return bool(m.candidates) or m.resembles is not None or m.title is not None


def concatenated(text: str) -> tuple[Part, ...]:
    """The licenses of a file that concatenates several, or () when it holds one.

    From each part on, up to _MAX_JOIN consecutive parts are joined until they are identified
    as one license (a license's own rules do not cut it); a part that joins into none is kept
    when it resembles a license (modified, or titled), else dropped (prose between licenses).
    """
    pieces = split(text) if len(text) <= MAX_TEXT_CHARS else []
    if not pieces:
        return ()
    lines = text.split("\n")
    found: list[Part] = []
    budget = [_MAX_MATCHES, _MAX_MATCHED_CHARS]
    i = 0
    while i < len(pieces) and budget[0] > 0:
        first, end, heading = pieces[i]
        if not any(line.strip() for line in lines[first:end]):
            i += 1  # nothing before a file's first rule: what follows it is not the file's own
            continue
        joined, m = _license_from(lines, pieces, i, budget)
        if m is not None:
            found.append(Part(m, first + 1, heading, included=i > 0))
        i = joined + 1
    if sum(1 for p in found if p.match.status == IDENTIFIED) < 2:
        return ()
    return tuple(found)
