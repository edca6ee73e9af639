"""Licenses found in a release, one `DetectedLicense` per license, and the terms that apply.

Card metadata (`license` as an SPDX expression, `license_name`, `license_link`) and text matches
of license files, policy files and README license sections all become `DetectedLicense` values;
the same license found in several places is one object citing every place.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from ..model import (
    CommercialUse,
    DetectedLicense,
    Evidence,
    LicenseCategory,
    LicenseKind,
    LicenseScope,
    LicenseTerms,
    Location,
    MatchStatus,
)
from .catalog import Resolved, by_url, resolve
from .expression import keys
from .match import TextMatch

UNKNOWN_ID = "unknown"
#: strictest first (CommercialUse is declared in this order)
_COMMERCIAL_ORDER = tuple(CommercialUse)


def from_resolved(
    found: Resolved,
    source: Location,
    via: str,
    confidence: float,
    scope: LicenseScope | None = None,
    status: MatchStatus = MatchStatus.IDENTIFIED,
) -> DetectedLicense:
    return DetectedLicense(
        id=found.id,
        name=found.name,
        version=found.version,
        spdx=found.spdx,
        hf_id=found.hf_id,
        confidence=confidence,
        osi_approved=found.osi_approved,
        category=found.category,
        kind=found.kind,
        status=status,
        via=via,
        source=source,
        scope=scope,
        scancode=found.scancode,
        terms=found.terms,
    )


def from_match(
    match: TextMatch,
    source: Location,
    scope: LicenseScope | None = None,
    kind: LicenseKind = LicenseKind.LICENSE,
) -> DetectedLicense:
    if match.license is not None:
        return from_resolved(match.license, source, match.via, match.confidence, scope)
    fallback = "unknown or modified license" if match.candidates else "unknown license"
    return DetectedLicense(
        id=UNKNOWN_ID,
        name=match.title or fallback,
        version=match.version,
        spdx=None,
        hf_id=None,
        confidence=match.confidence,
        osi_approved=None,
        category=LicenseCategory.UNKNOWN,
        kind=kind,
        status=match.status,
        via=match.via,
        source=source,
        scope=scope,
        terms=match.terms or LicenseTerms(note=match.reason),
        candidates=match.candidates,
    )


def from_card(evidence: Sequence[Evidence]) -> list[DetectedLicense]:
    """The licenses the card's metadata declares."""
    card = next((e for e in evidence if e.fact == "card.license"), None)
    name = next((e for e in evidence if e.fact == "card.license_name"), None)
    link = next((e for e in evidence if e.fact == "card.license_link"), None)
    out: list[DetectedLicense] = []
    if card is not None:
        for term in _expression_terms(card.value):
            if term.lower() in ("other", "unknown") and name is None and link is None:
                continue  # "see the license files": they are read on their own
            out.append(_declared(term, card.location, name, link))
    elif name is not None:
        out.append(_declared("other", name.location, name, link))
    return out


def _declared(
    term: str, where: Location, name: Evidence | None, link: Evidence | None
) -> DetectedLicense:
    if term.lower() in ("other", "unknown"):
        if name is not None:
            named = resolve(str(name.value))
            if named is not None:
                return from_resolved(named, name.location, "card-metadata", 0.95)
        if link is not None and isinstance(link.value, str):
            pointed = by_url(link.value)
            if pointed is not None:
                return from_resolved(pointed, link.location, "card-link", 0.8)
        label = str(name.value) if name is not None else term
        return _unknown(label, (name or Evidence("", None, where)).location, "card-metadata")
    found = resolve(term)
    if found is None:
        return _unknown(term, where, "card-metadata")
    return from_resolved(found, where, "card-metadata", 1.0)


def _unknown(label: str, where: Location, via: str) -> DetectedLicense:
    return DetectedLicense(
        id=UNKNOWN_ID,
        name=label,
        version=None,
        spdx=None,
        hf_id=None,
        confidence=0.0,
        osi_approved=None,
        category=LicenseCategory.UNKNOWN,
        kind=LicenseKind.LICENSE,
        status=MatchStatus.UNKNOWN,
        via=via,
        source=where,
    )


def _expression_terms(value: object) -> list[str]:
    """License keys of the card's expression (or YAML list), parsed by license-expression."""
    return keys(value)


def combine(found: Iterable[DetectedLicense]) -> tuple[DetectedLicense, ...]:
    """One object per license: the surest sighting, citing the others in `also_in`.

    Unknown and modified texts stay one object per place: they are not the same license. Nor do
    files scoped differently by their names (the same text as DATA_LICENSE and as
    WEIGHT_DIFF_LICENSE): merged, the weights' one would lose its scope.
    """
    merged: dict[str, DetectedLicense] = {}
    order: list[str] = []
    for lic in found:
        key = lic.id if lic.id != UNKNOWN_ID else f"{UNKNOWN_ID}:{lic.source}"
        if key in merged and _files_of_other_scopes(merged[key], lic):
            key = f"{key}#{lic.scope}"
        if key not in merged:
            merged[key] = lic
            order.append(key)
            continue
        kept = merged[key]
        first, second = (lic, kept) if _rank(lic) > _rank(kept) else (kept, lic)
        also = (*first.also_in, second.source, *second.also_in)
        merged[key] = replace(first, also_in=tuple(dict.fromkeys(also)))
    return tuple(merged[k] for k in order)


def _files_of_other_scopes(a: DetectedLicense, b: DetectedLicense) -> bool:
    """Two license files whose names scope them differently (a card's license joins any)."""
    return a.scope != b.scope and not a.via.startswith("card") and not b.via.startswith("card")


def _rank(lic: DetectedLicense) -> tuple[int, float]:
    return (0 if lic.via.startswith("card") else 1, lic.confidence)


def binding_licenses(licenses: Sequence[DetectedLicense]) -> list[DetectedLicense]:
    """Identified licenses and use policies that speak for the model (not for code only)."""
    return [
        lic
        for lic in licenses
        if lic.status == MatchStatus.IDENTIFIED
        and lic.scope not in (LicenseScope.CODE, LicenseScope.THIRD_PARTY)
        and lic.id != UNKNOWN_ID
    ]


def applicable_terms(licenses: Sequence[DetectedLicense]) -> LicenseTerms | None:
    """The terms that bind the model: the strictest of every identified license that is not
    for code only (use policies add their restrictions). None when nothing was identified."""
    binding = binding_licenses(licenses)
    licenses_only = [lic for lic in binding if lic.kind == LicenseKind.LICENSE]
    if not licenses_only:
        return None
    return strictest_terms([lic.terms for lic in binding], [lic.terms for lic in licenses_only])


def strictest_terms(
    terms: Sequence[LicenseTerms], licenses: Sequence[LicenseTerms] | None = None
) -> LicenseTerms:
    """The strictest reading of several terms; commercial use from `licenses` (the licenses
    among them: a use policy restricts uses, it does not grant commercial use)."""
    commercial = min(
        (t.commercial_use for t in (terms if licenses is None else licenses)),
        key=_COMMERCIAL_ORDER.index,
    )
    maus = [t.mau_threshold for t in terms if t.mau_threshold is not None]
    return LicenseTerms(
        commercial_use=commercial,
        mau_threshold=min(maus) if maus else None,
        use_restrictions=_any(t.use_restrictions for t in terms),
        restrictions_downstream=_any(t.restrictions_downstream for t in terms),
        attribution=_any(t.attribution for t in terms),
        output_training_restricted=_any(t.output_training_restricted for t in terms),
        territory_exclusions=tuple(dict.fromkeys(x for t in terms for x in t.territory_exclusions)),
        revocable=_any(t.revocable for t in terms),
    )


def _any(values: Iterable[bool | None]) -> bool | None:
    seen = list(values)
    if any(v is True for v in seen):
        return True
    return False if seen and all(v is False for v in seen) else None
