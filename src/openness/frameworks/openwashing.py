"""Openwashing: what the card claims about its openness, against what the evidence shows.

Each contradiction is a finding at the claim's line whose trigger cites the other side.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..evidence_index import EvidenceIndex
from ..model import Evidence, Finding, FrameworkResult, Location
from ..rules import finding

_MOF_RANK = {"I": 1, "II": 2, "III": 3}


def openwashing_findings(
    evidence: Sequence[Evidence], frameworks: Sequence[FrameworkResult]
) -> list[Finding]:
    index = EvidenceIndex(evidence)
    results = {f.framework: f for f in frameworks}
    out: list[Finding] = []
    license_side = _license_side(index)
    for claim in index.get("claim.open_source"):
        if not index.get("fw.license.open"):
            out.append(_found("OPN-OWS-001", claim, license_side))
    mof = results.get("mof")
    for claim in index.get("claim.fully_open"):
        if mof is not None and not any(p.reached for p in mof.classes[2:]):
            # each class's missing list holds the lower classes' ones: name each component once
            missing = ", ".join(dict.fromkeys(m for p in mof.classes for m in p.missing)) or "?"
            out.append(_found("OPN-OWS-002", claim, f"MOF Class I not reached; missing: {missing}"))
    weights = index.get("weights.present")
    for claim in index.get("claim.open_weights") + index.get("claim.open_source"):
        if not weights:
            out.append(_found("OPN-OWS-003", claim, "no weight file in the release"))
        elif not index.get("weights.safe_format"):
            where = weights[0].location
            out.append(
                _found("OPN-OWS-006", claim, f"weights only as {weights[0].value} ({where})")
            )
    if mof is not None:
        out += _class_claims(index.get("claim.mof_class"), mof)
    osaid = results.get("osaid")
    for claim in index.get("claim.osaid"):
        if osaid is not None and osaid.verdict != "pass":
            failed = [c.title for c in osaid.components if c.status != "pass"]
            out.append(_found("OPN-OWS-005", claim, "OSAID fails: " + "; ".join(failed[:4])))
    return out


def _class_claims(claims: list[Evidence], mof: FrameworkResult) -> list[Finding]:
    # Class I is the most open: a lower numeral is a higher class
    reached = min(
        (_MOF_RANK.get(p.name.split()[1], 4) for p in mof.classes if p.reached), default=4
    )
    return [
        _found("OPN-OWS-004", claim, f"evidence reaches: {mof.verdict}")
        for claim in claims
        if _MOF_RANK.get(str(claim.value).split()[-1].upper(), 4) < reached
    ]


def _license_side(index: EvidenceIndex) -> str:
    restricting = index.get("fw.license.restricted")
    category = index.get("license.category")
    where = restricting[0] if restricting else (category[0] if category else None)
    if where is None:
        return "no license identified"
    kind = category[0].value if category else "?"
    return f"license {kind}, {where.fact}={where.value} at {where.location}"


def _found(rule_id: str, claim: Evidence, other_side: str) -> Finding:
    location = claim.location if claim.location.file else Location("")
    return finding(rule_id, f"card says “{claim.value}”", location, other_side)
