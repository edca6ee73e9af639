"""Where a release contradicts itself about its license: findings that cite both sides."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..model import (
    DetectedLicense,
    Finding,
    LicenseCategory,
    LicenseKind,
    LicenseScope,
    MatchStatus,
)
from ..rules import finding
from .detect import UNKNOWN_ID

_CLOSED = (LicenseCategory.RESTRICTED, LicenseCategory.NONCOMMERCIAL, LicenseCategory.PROPRIETARY)


@dataclass(frozen=True)
class Conflict:
    """The card declares one license, a license file (not for code only) holds another."""

    card: DetectedLicense
    found: DetectedLicense

    @property
    def sides(self) -> str:
        return (
            f"the card declares {self.card.id} ({self.card.source}); "
            f"{self.found.source} is {self.found.id}"
        )

    @property
    def opens_closed(self) -> bool:
        """The card claims an open license where the file is restrictive."""
        return self.card.category.is_open and self.found.category in _CLOSED


def declared(licenses: Sequence[DetectedLicense]) -> list[DetectedLicense]:
    """The licenses the card's metadata names (and the catalog knows)."""
    return [lic for lic in licenses if lic.via.startswith("card") and lic.id != UNKNOWN_ID]


def license_files(licenses: Sequence[DetectedLicense]) -> list[DetectedLicense]:
    """Licenses read from files that speak for the model, named or not."""
    return [
        lic
        for lic in licenses
        if not lic.via.startswith("card")
        and lic.kind == LicenseKind.LICENSE
        and lic.scope not in (LicenseScope.CODE, LicenseScope.THIRD_PARTY)
    ]


def conflicts(licenses: Sequence[DetectedLicense]) -> list[Conflict]:
    card = declared(licenses)
    ids = {lic.id for lic in card}
    return [
        Conflict(card[0], found)
        for found in license_files(licenses)
        if card and found.status == MatchStatus.IDENTIFIED and found.id not in ids
    ]


def license_findings(licenses: Sequence[DetectedLicense]) -> list[Finding]:
    out = []
    for f in license_files(licenses):
        if f.status != MatchStatus.IDENTIFIED:
            out.append(_modified(f))
            out += _changed_terms(f)
    for c in conflicts(licenses):
        trigger = f"{c.card.source}: {c.card.id}"
        if c.opens_closed:
            what = f"card claims an open license but the license file is {c.found.category}: "
            out.append(finding("OPN-LIC-003", what + c.sides, c.found.source, trigger=trigger))
        else:
            what = "card and license file name different licenses: "
            out.append(finding("OPN-LIC-002", what + c.sides, c.found.source, trigger=trigger))
    return out


def _modified(found: DetectedLicense) -> Finding:
    closest = ", ".join(f"{c.id} ({c.score:.0%})" for c in found.candidates[:3])
    if found.status == MatchStatus.MODIFIED:
        what = f"license text is modified: resembles {closest} but differs"
    else:  # another license: what it shares with catalogued ones is boilerplate
        named = f" ({found.name})" if found.name != "unknown license" else ""
        what = f"license text{named} is not in the catalog: its terms are read from it"
    return finding(
        "OPN-LIC-004",
        what,
        found.source,
        trigger=found.terms.note,
    )


def _changed_terms(found: DetectedLicense) -> list[Finding]:
    """One OPN-LIC-004 per term where the text differs from the license it resembles, at the
    clause's line: what the catalog says and what the text says."""
    out = []
    for d in found.terms.sources:
        if d.catalogued is None:
            continue
        where = replace(found.source, line=d.line) if d.line else found.source
        what = f"{d.term.replace('_', ' ')}: the text says {d.value}, catalogued {d.catalogued}"
        out.append(
            finding("OPN-LIC-004", f"license text is modified: {what}", where, trigger=d.quote)
        )
    return out
