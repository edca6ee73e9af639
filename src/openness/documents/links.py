"""URLs in a document, classified by a table of host and path patterns."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from ..lazy_re import lazy
from ..model import Link, Location

LINK_KINDS = ("paper", "code", "dataset", "model", "other")

_HF = r"(huggingface\.co|hf\.co)"
_HF_NOT_MODELS = (
    "datasets|spaces|docs|blog|papers|models|collections|organizations|join|login|"
    "settings|pricing|learn|tasks|api|posts|chat|new|search|enterprise"
)

# (kind, host pattern, path pattern), first match wins. Hosts are lower-cased, without "www.".
LINK_RULES: tuple[tuple[str, str, str], ...] = (
    ("paper", r"(export\.)?arxiv\.org", r""),
    ("paper", r"(dx\.)?doi\.org", r""),
    ("paper", r"aclanthology\.org|aclweb\.org", r""),
    ("paper", r"openreview\.net", r""),
    (
        "paper",
        r"papers\.nips\.cc|proceedings\.neurips\.cc|proceedings\.mlr\.press|"
        r"openaccess\.thecvf\.com|semanticscholar\.org|dl\.acm\.org",
        r"",
    ),
    ("paper", _HF, r"/papers/"),
    ("paper", r".*", r".*\.pdf$"),
    ("dataset", _HF, r"/datasets/[^/]+"),
    ("dataset", r"kaggle\.com", r"/datasets/"),
    ("dataset", r"zenodo\.org", r"/records?/"),
    ("other", _HF, r"/spaces/"),
    ("code", r"github\.com|gitlab\.com|codeberg\.org|bitbucket\.org", r""),
    ("model", _HF, rf"/(?!(?:{_HF_NOT_MODELS})/)[^/]+/[^/]+"),
)
_COMPILED = tuple((kind, re.compile(host), re.compile(path)) for kind, host, path in LINK_RULES)

# No spaces, quotes, brackets or pipes: linear to scan, and stops at markdown syntax.
_URL = lazy(r"https?://[^\s<>\"'`()\[\]{}|\\^]+", re.IGNORECASE)
_TRAILING = ".,;:!?*_~"


def classify_url(url: str) -> str:
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return "other"
    host = host.removeprefix("www.")
    path = parts.path or "/"
    for kind, host_re, path_re in _COMPILED:
        if host_re.fullmatch(host) and path_re.match(path.lower() if kind == "paper" else path):
            return kind
    return "other"


def urls_in(text: str) -> list[str]:
    return [m.group().rstrip(_TRAILING) for m in _URL.finditer(text)]


def collect_links(path: str, lines: Iterable[tuple[int, str]]) -> tuple[Link, ...]:
    """Links found in (line number, text) pairs, first occurrence of each URL kept."""
    seen: set[str] = set()
    out: list[Link] = []
    for number, text in lines:
        if "://" not in text:
            continue
        for url in urls_in(text):
            if len(url) <= len("https://") or url in seen:
                continue
            seen.add(url)
            out.append(Link(classify_url(url), url, Location(path, line=number)))
    return tuple(out)
