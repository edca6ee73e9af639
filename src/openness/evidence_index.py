"""Evidence looked up by fact name: what rubrics, cross-checks and framework rules read."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from .model import Evidence, JSONValue


class EvidenceIndex:
    def __init__(self, evidence: Iterable[Evidence]):
        self._by_fact: dict[str, list[Evidence]] = defaultdict(list)
        for e in evidence:
            self._by_fact[e.fact].append(e)

    def get(self, name: str) -> list[Evidence]:
        """Evidence for the fact whose value says something (not None, False, "" or ())."""
        return [e for e in self._by_fact.get(name, []) if truthy(e.value)]

    def first(self, name: str) -> JSONValue:
        found = self.get(name)
        return found[0].value if found else None


def truthy(value: JSONValue) -> bool:
    return value not in (None, False, "", ())
