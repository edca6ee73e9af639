"""Match dependencies against OSV advisories with each ecosystem's version order.

Range evaluation follows the OSV schema: events sorted by version (`introduced: "0"` first); a
version is affected after an `introduced` it has reached, until a `fixed` it has reached or a
`last_affected` it has passed; `limit` events bound the range from above. A version listed in
`versions` (which is where OSV lists releases no range covers, yanked ones among them) is
affected whatever the ranges say. PyPI orders versions by PEP 440 (`packaging.version`), npm
and `SEMVER` ranges by Semantic Versioning. GIT ranges need commit history and are not used.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from packaging.version import InvalidVersion, Version

from ..model import Severity
from . import cvss, semver
from .model import Dependency, VulnerableDependency
from .osv_db import Advisory, Affected, Event, OsvDatabase, Range

_LOWEST = (0,)
_SEVERITY = {
    "CRITICAL": Severity.CRITICAL,
    "HIGH": Severity.HIGH,
    "MEDIUM": Severity.MEDIUM,
    "LOW": Severity.LOW,
    "NONE": Severity.INFO,
}


def version_key(ecosystem: str, range_type: str, text: str) -> Any | None:
    if range_type == "SEMVER" or ecosystem == "npm":
        return semver.parse(text)
    if ecosystem == "PyPI":
        try:
            return Version(text)
        except InvalidVersion:
            return None
    return None


def _event_key(ecosystem: str, range_type: str, event: Event) -> tuple[Any, ...] | None:
    if event.kind == "introduced" and event.version == "0":
        return _LOWEST
    key = version_key(ecosystem, range_type, event.version)
    return None if key is None else (1, key)


def in_range(ecosystem: str, version: str, r: Range) -> bool | None:
    """True or False, or None when a version in play cannot be ordered."""
    mine = version_key(ecosystem, r.type, version)
    keyed = [(_event_key(ecosystem, r.type, e), e) for e in r.events]
    if mine is None or any(k is None for k, _ in keyed):
        return None
    v = (1, mine)
    ordered = sorted(((k, e) for k, e in keyed if k is not None), key=lambda item: item[0])
    affected = False
    for key, event in ordered:
        if event.kind == "introduced" and v >= key:
            affected = True
        elif (event.kind == "fixed" and v >= key) or (event.kind == "last_affected" and v > key):
            affected = False
    limits = [k for k, e in ordered if e.kind == "limit"]
    return affected and (not limits or any(v < k for k in limits))


def describe(r: Range) -> str:
    """A range in words: `>=1.0, <1.4.2 || >=2.0, <=2.1`."""
    spans: list[str] = []
    current: list[str] = []
    for event in r.events:
        if event.kind == "introduced":
            if current:
                spans.append(", ".join(current))
            current = [] if event.version == "0" else [f">={event.version}"]
        elif event.kind == "fixed":
            spans.append(", ".join([*current, f"<{event.version}"]))
            current = []
        elif event.kind == "last_affected":
            spans.append(", ".join([*current, f"<={event.version}"]))
            current = []
    if current or not spans:
        spans.append(", ".join(current) or "all versions")
    return " || ".join(s for s in spans if s)


@dataclass
class MatchResult:
    vulnerable: list[VulnerableDependency]
    checked: int  # dependencies with an exact version
    unchecked: int  # dependencies with only a range: nothing to match
    undetermined: list[str]  # advisories whose ranges could not be ordered


def match(dependencies: Iterable[Dependency], db: OsvDatabase) -> MatchResult:
    result = MatchResult([], 0, 0, [])
    seen: set[tuple[str, str, str, str]] = set()
    for dep in dependencies:
        if dep.version is None:
            result.unchecked += 1
            continue
        result.checked += 1
        for advisory in db.advisories(dep.ecosystem, dep.name):
            key = (advisory.id, dep.file, dep.name, dep.version)
            if key in seen:
                continue
            found = _affects(advisory, dep, dep.version)
            if found is None:
                result.undetermined.append(f"{advisory.id} for {dep.name} {dep.version}")
            elif found:
                seen.add(key)
                result.vulnerable.append(_report(advisory, dep, dep.version, found))
    return result


def _relevant(advisory: Advisory, dep: Dependency) -> list[Affected]:
    from .osv_db import package_key

    target = package_key(dep.ecosystem, dep.name)
    return [
        a
        for a in advisory.affected
        if a.ecosystem == dep.ecosystem and package_key(a.ecosystem, a.name) == target
    ]


def _listed(affected: Affected, ecosystem: str, version: str) -> bool:
    mine = version_key(ecosystem, "ECOSYSTEM", version)
    for listed in affected.versions:
        if listed == version:
            return True
        other = version_key(ecosystem, "ECOSYSTEM", listed)
        if mine is not None and other is not None and other == mine:
            return True
    return False


def _affects(
    advisory: Advisory, dep: Dependency, version: str
) -> list[tuple[Affected, Range | None]] | None:
    """The (affected entry, range) pairs that cover the version; None when undecidable."""
    hits: list[tuple[Affected, Range | None]] = []
    undecided = False
    for affected in _relevant(advisory, dep):
        if _listed(affected, dep.ecosystem, version):
            hits.append((affected, None))
            continue
        for r in affected.ranges:
            if r.type == "GIT":
                continue
            inside = in_range(dep.ecosystem, version, r)
            if inside is None:
                undecided = True
            elif inside:
                hits.append((affected, r))
    if not hits and undecided:
        return None
    return hits


def _report(
    advisory: Advisory,
    dep: Dependency,
    version: str,
    hits: list[tuple[Affected, Range | None]],
) -> VulnerableDependency:
    ranges = [r for _, r in hits if r is not None]
    words = [describe(r) for r in ranges]
    if any(r is None for _, r in hits):
        words.append(f"listed version {version}")
    fixed: dict[str, Any] = {}
    for r in ranges:
        mine = version_key(dep.ecosystem, r.type, version)
        for event in r.events:
            key = version_key(dep.ecosystem, r.type, event.version)
            if event.kind == "fixed" and key is not None and mine is not None and key > mine:
                fixed[event.version] = key
    vectors = advisory.severity_vectors + tuple(v for a, _ in hits for v in a.severity_vectors)
    score = next((s for s in map(cvss.base_score, vectors) if s is not None), None)
    labels = [a.severity_label for a, _ in hits] + [advisory.severity_label]
    label = cvss.label(score) if score is not None else next((x for x in labels if x), "UNKNOWN")
    return VulnerableDependency(
        advisory=advisory.id,
        aliases=advisory.aliases,
        summary=advisory.summary,
        dependency=dep,
        affected=" || ".join(dict.fromkeys(words)),
        fixed=tuple(sorted(fixed, key=lambda v: fixed[v])),
        severity_label=label,
        severity_score=score,
        severity_vector=vectors[0] if vectors else None,
        severity=_SEVERITY.get(label, Severity.HIGH),
    )
