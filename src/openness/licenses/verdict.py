"""One license verdict per release: identify -> scope -> terms -> verdict.

`resolve_release()` is the one entry point. It takes the evidence (the card's `license`,
`license_name` and `license_link`, license files read) and the licenses the documents found
(license and policy files, README license sections), and returns a `Resolution`:

- `verdict`: the `LicenseInfo` that `Assessment.license` holds and every report reads (the
  headline, the five-attribute rubric through `facts`, the frameworks, the exports, `openness
  license`, the observatory row). Nothing else works a license out again.
- `licenses`: every license found, one object per license (`Assessment.licenses`).
- `findings`: OPN-LIC-001 (none stated), -002/-003 (card and file disagree), -004 (modified).
- `facts`: the `license.*` evidence the rubrics and frameworks read, each cited where it is set.

Steps:
1. identify: the card's declaration (`identify.py`) and every license found (`detect.py`).
2. scope: a license scoped to code (e.g. LICENSE-CODE) does not speak for the model.
3. terms: the strictest terms of every identified license and use policy for the model.
4. verdict: when the card and a model license file disagree the verdict is the strictest
   reading, status `conflict`, with both sides cited; a modified or unnamed license text makes
   the category `unknown` (status `modified`/`unknown`), never the card's claim as if clean.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from ..model import (
    CommercialUse,
    Confidence,
    DetectedLicense,
    Evidence,
    Finding,
    LicenseCategory,
    LicenseInfo,
    LicenseTerms,
    Location,
    MatchStatus,
    VerdictStatus,
)
from ..rules import finding
from .catalog import CATEGORIES, license_ref, lookup, strictest
from .conflicts import Conflict, conflicts, license_files, license_findings
from .detect import applicable_terms, binding_licenses, combine, from_card, strictest_terms
from .identify import identify

#: `license.terms.*` facts the rubrics and frameworks read
TERM_FACTS = ("commercial_use", "mau_threshold", "use_restrictions", "output_training_restricted")


@dataclass(frozen=True)
class Resolution:
    verdict: LicenseInfo
    licenses: tuple[DetectedLicense, ...]
    findings: tuple[Finding, ...]
    facts: tuple[Evidence, ...]


def resolve_release(
    evidence: Sequence[Evidence], found: Sequence[DetectedLicense] = ()
) -> Resolution:
    """The release's one license verdict, from its evidence and the licenses documents hold."""
    licenses = combine([*from_card(evidence), *found])
    declared = identify(evidence)
    clashes = conflicts(licenses)
    verdict = _verdict(declared, licenses, clashes, evidence)
    findings = license_findings(licenses)
    if verdict.status is VerdictStatus.NONE:
        no_license = "no license stated: by default nobody may reuse the model"
        findings.insert(0, finding("OPN-LIC-001", no_license, Location("")))
    facts = [*_headline_facts(verdict), *_term_facts(verdict, licenses)]
    if verdict.status is VerdictStatus.CONFLICT:
        facts += [
            Evidence("license.conflict", c.found.id, c.found.source, note=c.sides) for c in clashes
        ]
    return Resolution(verdict, licenses, tuple(findings), tuple(facts))


# --------------------------------------------------------------------------- verdict


def _verdict(
    declared: LicenseInfo,
    licenses: Sequence[DetectedLicense],
    clashes: Sequence[Conflict],
    evidence: Sequence[Evidence],
) -> LicenseInfo:
    terms = applicable_terms(licenses)
    unnamed = [f for f in license_files(licenses) if f.status != MatchStatus.IDENTIFIED]
    if clashes:
        return _conflict(declared, clashes, terms, evidence)
    several = _several_without_card(licenses, evidence) if not unnamed else None
    if several is not None:
        chosen, ids = several
        note = f"licenses for the model: {', '.join(ids)}; the strictest is shown"
        return _from_license(declared, chosen, evidence, terms, VerdictStatus.IDENTIFIED, note)
    if declared.category in (LicenseCategory.NONE, LicenseCategory.UNKNOWN):
        named = [lic for lic in binding_licenses(licenses) if lic.via != "card-metadata"]
        files = [lic for lic in named if lic.kind == "license"]
        if files:  # e.g. a README license section the card metadata does not repeat
            chosen = max(files, key=lambda lic: CATEGORIES.index(lic.category))
            return _from_license(declared, chosen, evidence, terms, VerdictStatus.IDENTIFIED, "")
    if unnamed and declared.category is not LicenseCategory.NONE:
        status = (
            VerdictStatus.MODIFIED
            if any(f.status == MatchStatus.MODIFIED for f in unnamed)
            else VerdictStatus.UNKNOWN
        )
        doubt = "; ".join(f"{f.source} is {f.status} ({f.name})" for f in unnamed)
        # the terms read from the license text win over the declared license's profile, but
        # not over another file's identified license (LICENSE_MODEL beside an unknown LICENSE)
        read = [f.terms for f in unnamed if f.terms.sources]
        texts = [
            lic.terms
            for lic in binding_licenses(licenses)
            if lic.via != "card-metadata" and lic.kind == "license"
        ]
        if read and texts:
            read = [strictest_terms([*texts, read[0]])]
        titled = [f.name for f in unnamed if f.status == MatchStatus.UNKNOWN and f.candidates]
        titled += [f.name for f in unnamed if f.name != "unknown license"]
        return replace(
            declared,
            name=declared.name or (titled[0] if titled else None),
            category=LicenseCategory.UNKNOWN,
            evidence=declared.evidence + _cite(unnamed, evidence),
            id=_id(declared),
            status=status,
            terms=read[0] if read else _doubtful(terms),
            note=(
                f"the license text does not match the declared license: {doubt}"
                if declared.declared
                else f"no catalogued license: {doubt}; its terms are read from the text"
            ),
        )
    if declared.category is LicenseCategory.NONE:
        status = VerdictStatus.NONE
    elif declared.category is LicenseCategory.UNKNOWN:
        status = VerdictStatus.UNKNOWN
    else:
        status = VerdictStatus.IDENTIFIED
    return replace(declared, id=_id(declared), status=status, terms=terms)


def _conflict(
    declared: LicenseInfo,
    clashes: Sequence[Conflict],
    terms: LicenseTerms | None,
    evidence: Sequence[Evidence],
) -> LicenseInfo:
    """The strictest reading of card and files; the card wins only when it is the strictest."""
    note = "card and license file disagree: " + "; ".join(c.sides for c in clashes)
    strictest_file = max((c.found for c in clashes), key=lambda f: CATEGORIES.index(f.category))
    rank = CATEGORIES.index
    card_category = strictest([declared.category])
    if rank(card_category) >= rank(strictest_file.category):
        card_first = _lowered(declared, clashes)
        files = _cite([c.found for c in clashes], evidence)
        extra = tuple(e for e in files if e not in card_first)
        return replace(
            declared,
            evidence=card_first + extra,
            id=_id(declared),
            status=VerdictStatus.CONFLICT,
            terms=terms,
            note=note,
        )
    return _from_license(
        declared, strictest_file, evidence, terms, VerdictStatus.CONFLICT, note, clashes
    )


def _several_without_card(
    licenses: Sequence[DetectedLicense], evidence: Sequence[Evidence]
) -> tuple[DetectedLicense, list[str]] | None:
    """With no card to declare one, several license files that speak for the model (Qwen's
    Apache 2.0 LICENSE beside its Tongyi Qianwen licenses): the strictest is the headline, as
    the terms are the strictest; the first file read was shown above stricter terms."""
    if any(e.fact in ("card.license", "card.license_name") for e in evidence):
        return None
    files = [
        lic
        for lic in binding_licenses(licenses)
        if lic.kind == "license" and not lic.via.startswith("card")
    ]
    ids = list(dict.fromkeys(lic.id for lic in files))
    if len(ids) < 2:
        return None
    return max(files, key=lambda lic: CATEGORIES.index(lic.category)), ids


def _from_license(
    declared: LicenseInfo,
    lic: DetectedLicense,
    evidence: Sequence[Evidence],
    terms: LicenseTerms | None,
    status: VerdictStatus,
    note: str,
    clashes: Sequence[Conflict] = (),
) -> LicenseInfo:
    cited = _cite([lic], evidence) + _lowered(declared, clashes)
    return LicenseInfo(
        declared=declared.declared,
        spdx=lic.spdx,
        name=lic.name,
        osi_approved=lic.osi_approved,
        category=lic.category,
        evidence=tuple(dict.fromkeys(cited)),
        id=lic.id,
        status=status,
        terms=terms,
        note=note,
    )


def _lowered(declared: LicenseInfo, clashes: Sequence[Conflict]) -> tuple[Evidence, ...]:
    """The card's evidence, its confidence lowered and the conflict noted (once)."""
    if not clashes:
        return declared.evidence
    out = []
    for e in declared.evidence:
        if e.fact.startswith("card.license") and not e.fact.startswith("card.license_link"):
            sides = "; ".join(f"{c.found.source} is {c.found.id}" for c in clashes)
            note = e.note if "conflicts with" in e.note else f"conflicts with {sides}"
            e = replace(e, confidence=Confidence.LOW, note=note)
        if not e.fact.startswith("license_file."):
            out.append(e)
    return tuple(out)


def _cite(found: Iterable[DetectedLicense], evidence: Sequence[Evidence]) -> tuple[Evidence, ...]:
    """The evidence a license file reader left for each license, or one made from the match."""
    out: list[Evidence] = []
    for lic in found:
        where = lic.source.file
        read = next(
            (
                e
                for e in evidence
                if e.fact in ("license_file.spdx", "license_file.unrecognised")
                and e.location.file == where
            ),
            None,
        )
        out.append(
            read
            or Evidence(
                "license.detected",
                lic.id,
                lic.source,
                _confidence(lic.confidence),
                note=f"{lic.name} ({lic.status}, via {lic.via})",
            )
        )
    return tuple(out)


def _id(info: LicenseInfo) -> str | None:
    """The verdict's id: its SPDX expression, or the declared license's LicenseRef id."""
    if info.spdx:
        return info.spdx
    for term in (info.declared, info.name):
        entry = lookup(term) if term else None
        if entry is not None and entry.key not in ("other", "unknown"):
            return entry.ref
    named = info.name or info.declared
    if info.category is LicenseCategory.NONE or not named:
        return None
    return license_ref(named)


def _doubtful(terms: LicenseTerms | None) -> LicenseTerms | None:
    """Terms read from a card whose license text differs: commercial use is not known."""
    if terms is None or terms.commercial_use is not CommercialUse.ALLOWED:
        return terms
    return replace(terms, commercial_use=CommercialUse.UNKNOWN)


def _confidence(score: float) -> Confidence:
    if score >= 0.95:
        return Confidence.HIGH
    return Confidence.MEDIUM if score >= 0.5 else Confidence.LOW


# --------------------------------------------------------------------------- facts


def _headline_facts(info: LicenseInfo) -> Iterable[Evidence]:
    """`license.category`, `.spdx`, `.osi_approved`, cited where the verdict rests."""
    label = info.id or info.spdx or info.name or info.declared or "none"
    for source in info.evidence[:1]:
        note = f"license {label}"
        if info.status is VerdictStatus.CONFLICT:
            note += f" (strictest reading; {info.note})"
        yield replace(source, fact="license.category", value=info.category.value, note=note)
        if info.spdx:
            yield replace(source, fact="license.spdx", value=info.spdx)
        if info.osi_approved is not None:
            yield replace(
                source,
                fact="license.osi_approved",
                value=info.osi_approved,
                note="from SPDX license list data",
            )
    if not info.evidence:
        yield Evidence(
            "license.category",
            info.category.value,
            Location(""),
            note="no license stated in any file of the release",
        )


def _term_facts(info: LicenseInfo, licenses: Sequence[DetectedLicense]) -> list[Evidence]:
    """`license.terms.*`: the verdict's terms, each cited at the license that sets it."""
    terms = info.terms
    binding = binding_licenses(licenses)
    if terms is None or not binding:
        return []
    out = []
    for name in TERM_FACTS:
        value = getattr(terms, name)
        if value is None:
            continue
        source = next((lic for lic in binding if getattr(lic.terms, name) == value), binding[0])
        note = f"{source.id} term profile"
        if value != getattr(source.terms, name):
            note = f"{info.status}: {info.note}"
        out.append(
            Evidence(
                f"license.terms.{name}",
                value.value if isinstance(value, CommercialUse) else value,
                source.source,
                confidence=_confidence(source.confidence),
                note=note,
            )
        )
    return out
