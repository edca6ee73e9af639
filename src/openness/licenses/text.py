"""License text normalisation and fingerprints.

Two views of a text: `head()` keeps punctuation (titles, versions, dates are matched there) and
`words()` keeps only letters and digits, so rewrapped lines, markdown, HTML tags and entities,
curly quotes and list markers do not change a fingerprint. A fingerprint is the set of hashed
word 5-grams (shingles), sampled by hash value (one in SAMPLE) so that the same sample is taken
from any copy of a text.
"""

from __future__ import annotations

import base64
import html
import re
import sys
import zlib
from array import array
from collections.abc import Iterable

from ..lazy_re import lazy

SHINGLE_WORDS = 5
#: keep a shingle when hash % SAMPLE == 0: the same shingles are kept from every copy of a text
SAMPLE = 4
MAX_TEXT_CHARS = 512 * 1024

QUOTES = str.maketrans(
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
_TAG = lazy(r"<[a-zA-Z/!][^<>]{0,300}>")
_MARKUP = lazy(r"[*_#>`=|]+")
_WORD = lazy(r"[a-z0-9]+")


def clean(text: str) -> str:
    """Lower case, straight quotes, no HTML tags or entities; line breaks kept."""
    text = text[:MAX_TEXT_CHARS]
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    return text.translate(QUOTES).lower()


def head(text: str, chars: int = 1000) -> str:
    """The start of a cleaned text with markdown marks removed and spaces collapsed."""
    return " ".join(_MARKUP.sub(" ", text[: chars * 4]).split())[:chars]


def flat(text: str) -> str:
    """A cleaned text with markdown marks removed and whitespace collapsed (for phrases)."""
    return " ".join(_MARKUP.sub(" ", text).split())


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def shingle_hashes(tokens: list[str], sample: int = SAMPLE) -> set[int]:
    """Hashes of every run of SHINGLE_WORDS words, kept when hash % sample == 0.

    Each word is hashed once (CRC-32); a shingle's hash mixes its words' hashes with fixed odd
    multipliers, so it is the same on every machine and run.
    """
    if not tokens:
        return set()
    hashed = _word_hashes(tokens)
    if len(hashed) < SHINGLE_WORDS:
        return {_mix(hashed)}
    return {h for h in _rolling_hashes(hashed) if h % sample == 0}


_P = 0x01000193


def shingle_sequence(tokens: list[str]) -> list[int]:
    """The hash of the shingle starting at each word (as `shingle_hashes`, unsampled, in
    order): where in a document the known-license shingles are."""
    if len(tokens) < SHINGLE_WORDS:
        return []
    return _rolling_hashes(_word_hashes(tokens))


def _word_hashes(tokens: list[str]) -> list[int]:
    cache: dict[str, int] = {}
    return [cache.get(t) or cache.setdefault(t, zlib.crc32(t.encode())) for t in tokens]


def _rolling_hashes(hashed: list[int]) -> list[int]:
    """Each shingle's hash, in order: a rolling hash of its word hashes, then mixed."""
    n = SHINGLE_WORDS
    out: list[int] = []
    top = pow(_P, n - 1, 1 << 32)
    rolling = 0
    for i, value in enumerate(hashed):
        if i >= n:
            rolling = (rolling - hashed[i - n] * top) & 0xFFFFFFFF
        rolling = (rolling * _P + value) & 0xFFFFFFFF
        if i < n - 1:
            continue
        h = rolling ^ (rolling >> 16)  # MurmurHash3's finaliser, inline: this loop is hot
        h = (h * 0x85EBCA6B) & 0xFFFFFFFF
        h ^= h >> 13
        h = (h * 0xC2B2AE35) & 0xFFFFFFFF
        h ^= h >> 16
        out.append(h)
    return out


def _mix(hashed: list[int]) -> int:
    """Combine word hashes in order, then the MurmurHash3 finaliser: every bit mixes."""
    h = 0
    for value in hashed:
        h = (h * _P + value) & 0xFFFFFFFF
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & 0xFFFFFFFF
    return h ^ (h >> 16)


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
    """Sorted 32-bit hashes, little-endian, base64: compact, fast to load, no text in them."""
    packed = array("I", sorted(hashes))
    if sys.byteorder != "little":
        packed.byteswap()
    return base64.b64encode(packed.tobytes()).decode("ascii")


def decode_hashes(data: str) -> frozenset[int]:
    packed = array("I")
    packed.frombytes(base64.b64decode(data))
    if sys.byteorder != "little":
        packed.byteswap()
    return frozenset(packed)
