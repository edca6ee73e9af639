"""Where a release contradicts itself about its license: findings that cite both sides."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import DetectedLicense, Finding
from ..rules import finding
from .detect import UNKNOWN_ID
from .match import IDENTIFIED

_OPEN = ("open-source", "open-content")
_CLOSED = ("restricted", "noncommercial", "proprietary")


def license_findings(licenses: Sequence[DetectedLicense]) -> list[Finding]:
    declared = [lic for lic in licenses if lic.via.startswith("card") and lic.id != UNKNOWN_ID]
    files = [
        lic
        for lic in licenses
        if not lic.via.startswith("card") and lic.kind == "license" and lic.scope != "code"
    ]
    out: list[Finding] = []
    declared_ids = {lic.id for lic in declared}
    for found in files:
        if found.status != IDENTIFIED:
            out.append(_modified(found))
            continue
        if not declared or found.id in declared_ids:
            continue
        card = declared[0]
        sides = f"the card declares {card.id} ({card.source}); {found.source} is {found.id}"
        if card.category in _OPEN and found.category in _CLOSED:
            out.append(
                finding(
                    "OPN-LIC-003",
                    f"card claims an open license but the license file is {found.category}: "
                    + sides,
                    found.source,
                    trigger=f"{card.source}: {card.id}",
                )
            )
        else:
            out.append(
                finding(
                    "OPN-LIC-002",
                    "card and license file name different licenses: " + sides,
                    found.source,
                    trigger=f"{card.source}: {card.id}",
                )
            )
    return out


def _modified(found: DetectedLicense) -> Finding:
    closest = ", ".join(f"{c.id} ({c.score:.0%})" for c in found.candidates[:3])
    what = f"resembles {closest} but differs" if closest else "matches no known license"
    return finding(
        "OPN-LIC-004",
        f"license text is {found.status}: {what}",
        found.source,
        trigger=found.terms.note,
    )
