"""Who a release is and who publishes it, from the places read: `OWNER/NAME` checkouts,
`gh:OWNER/NAME` and `hf:ORG/NAME` places. A local path names neither."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..lazy_re import lazy

MIN_OWNER = 4  # shorter owners (`ai`, `lab`) would match too much
_REPOSITORY = lazy(
    r"(?:gh:|hf:|github:)?(?:https?://(?:www\.)?(?:github\.com|huggingface\.co)/)?"
    r"(?P<owner>[A-Za-z0-9][\w.-]*)/(?P<name>[\w.-]+)(@\S*)?"
)


def owners_of(targets: Iterable[str]) -> frozenset[str]:
    """The organisations of the places, compacted (`MiniMax-AI` -> `minimaxai`)."""
    out = set()
    for match in _repositories(targets):
        owner = compact(match.group("owner"))
        if len(owner) >= MIN_OWNER:
            out.add(owner)
    return frozenset(out)


def repository_names_of(targets: Iterable[str]) -> frozenset[str]:
    """The repositories' names (`deepseek-ai/DeepSeek-V3` -> `DeepSeek-V3`), as written."""
    return frozenset(match.group("name") for match in _repositories(targets))


def compact(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _repositories(targets: Iterable[str]) -> Iterable[re.Match[str]]:
    for target in targets:
        match = _REPOSITORY.fullmatch(target.strip())
        if match:
            yield match
