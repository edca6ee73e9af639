"""Evidence looked up by fact name: what rubrics, cross-checks and framework rules read."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from .model import Evidence, JSONValue


class EvidenceIndex:
    """`zero_counts`: a count of 0 is a value ("0 commits in 90 days" is what a health check
    needs to see); otherwise 0, like None, False, "" and (), says nothing."""

    def __init__(self, evidence: Iterable[Evidence], zero_counts: bool = False):
        self._by_fact: dict[str, list[Evidence]] = defaultdict(list)
        self._says = _says_something if zero_counts else truthy
        for e in evidence:
            self._by_fact[e.fact].append(e)

    def get(self, name: str) -> list[Evidence]:
        """Evidence for the fact whose value says something."""
        return [e for e in self._by_fact.get(name, []) if self._says(e.value)]

    def first(self, name: str) -> JSONValue:
        found = self.get(name)
        return found[0].value if found else None


def truthy(value: JSONValue) -> bool:
    return value not in (None, False, "", ())  # 0 == False: zero is not truthy


def _says_something(value: JSONValue) -> bool:
    return value is not None and value is not False and value != "" and value != ()
