"""A small Semantic Versioning 2.0 comparator, as npm orders versions.

Precedence: major, minor, patch numerically; a pre-release sorts before its release; pre-release
identifiers compare numerically when both are numbers, numbers before words, and a longer list
wins when all shared identifiers are equal. Build metadata (`+...`) is ignored.
"""

from __future__ import annotations

import re

_SEMVER = re.compile(
    r"^\s*[v=]?\s*(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?\s*$"
)

Identifier = tuple[int, int, str]
SemverKey = tuple[int, int, int, tuple[int, tuple[Identifier, ...]]]


def parse(text: str) -> SemverKey | None:
    """A sort key for a version, or None when it is not a semantic version."""
    match = _SEMVER.match(text)
    if match is None:
        return None
    major, minor, patch, pre = match.groups()
    if pre is None:
        return int(major), int(minor), int(patch), (1, ())
    ids = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split("."))
    return int(major), int(minor), int(patch), (0, ids)


def is_exact(spec: str) -> bool:
    """An npm dependency spec that names one version (`1.2.3`, `=1.2.3`, `v1.2.3`)."""
    return parse(spec) is not None


def compare(a: str, b: str) -> int:
    """-1, 0 or 1; raises ValueError for a version that is not semantic."""
    ka, kb = parse(a), parse(b)
    if ka is None or kb is None:
        raise ValueError(f"not a semantic version: {a if ka is None else b!r}")
    return (ka > kb) - (ka < kb)
