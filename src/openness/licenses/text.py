"""License text normalisation and fingerprints.

Two views of a text: `head()` keeps punctuation (titles, versions, dates are matched there) and
`words()` keeps only letters and digits, so rewrapped lines, markdown, HTML tags and entities,
curly quotes and list markers do not change a fingerprint. A fingerprint is the set of hashed
word n-grams (shingles), sampled by hash value so that the same sample is taken from any copy.
"""

from __future__ import annotations

import html
import re
import zlib
from collections.abc import Iterable

SHINGLE_WORDS = 5
#: keep a shingle when hash % SAMPLE == 0: the same shingles are kept from every copy of a text
SAMPLE = 2
MAX_TEXT_CHARS = 512 * 1024

_QUOTES = str.maketrans(
    {
        "\u201c": '"',
        "\u201d": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
        "\ufeff": " ",
    }
)
_TAG = re.compile(r"<[a-zA-Z/!][^<>]{0,300}>")
_MARKUP = re.compile(r"[*_#>`=|]+")
_WORD = re.compile(r"[a-z0-9]+")


def clean(text: str) -> str:
    """Lower case, straight quotes, no HTML tags or entities; line breaks kept."""
    text = text[:MAX_TEXT_CHARS]
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    return text.translate(_QUOTES).lower()


def head(text: str, chars: int = 1000) -> str:
    """The start of a cleaned text with markdown marks removed and spaces collapsed."""
    return " ".join(_MARKUP.sub(" ", text[: chars * 4]).split())[:chars]


def flat(text: str) -> str:
    """A cleaned text with markdown marks removed and whitespace collapsed (for phrases)."""
    return " ".join(_MARKUP.sub(" ", text).split())


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def shingle_hashes(tokens: list[str], sample: int = SAMPLE) -> set[int]:
    n = SHINGLE_WORDS
    out: set[int] = set()
    if len(tokens) < n:
        if tokens:
            h = zlib.crc32(" ".join(tokens).encode())
            out.add(h)
        return out
    for i in range(len(tokens) - n + 1):
        h = zlib.crc32(" ".join(tokens[i : i + n]).encode())
        if h % sample == 0:
            out.add(h)
    return out


def fingerprint(text: str) -> set[int]:
    return shingle_hashes(words(clean(text)))


def line_of(text: str, pattern: re.Pattern[str], max_lines: int = 80) -> int | None:
    """1-based line where `pattern` (on the flattened text) starts, in the first lines."""
    joined, starts = "", []
    for number, line in enumerate(text.split("\n")[:max_lines], start=1):
        norm = flat(clean(line))
        if norm:
            starts.append((len(joined), number))
            joined += norm + " "
    m = pattern.search(joined)
    if m is None or not starts:
        return None
    return max(number for offset, number in starts if offset <= m.start())


def encode_hashes(hashes: Iterable[int]) -> str:
    """Sorted hashes as deltas in base 36: compact, and no text can be read back from them."""
    out, previous = [], 0
    for h in sorted(hashes):
        out.append(_b36(h - previous))
        previous = h
    return " ".join(out)


def decode_hashes(data: str) -> frozenset[int]:
    total, out = 0, []
    for part in data.split():
        total += int(part, 36)
        out.append(total)
    return frozenset(out)


def _b36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    if n == 0:
        return "0"
    s = ""
    while n:
        n, r = divmod(n, 36)
        s = digits[r] + s
    return s
