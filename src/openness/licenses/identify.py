"""What a release declares about its license: the first step of the verdict (verdict.py).

`identify()` combines the card's declaration and the license files' evidence into a
`LicenseInfo` that cites the evidence it used. The card's declaration wins here, with its
confidence lowered when a license file reads differently; the verdict then weighs it against
every license found and shows the strictest reading. Nothing outside `licenses/` calls this:
reports read the verdict.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..model import Confidence, Evidence, LicenseCategory, LicenseInfo
from .catalog import lookup, most_open, strictest
from .expression import declared_text, groups

_CONFIDENCE_RANK = {
    Confidence.CERTAIN: 3,
    Confidence.HIGH: 2,
    Confidence.MEDIUM: 1,
    Confidence.LOW: 0,
}


@dataclass(frozen=True)
class _Term:
    ref: str | None  # SPDX id or LicenseRef id; None when not recognised
    spdx: str | None
    name: str
    category: LicenseCategory
    osi: bool | None


def identify(evidence: Sequence[Evidence]) -> LicenseInfo:
    """The release's license from card and license-file evidence.

    The card's declaration wins; a license file that reads differently lowers its confidence
    (the returned evidence carries the lowered copy and the file's evidence). A file alone is
    used as read. No license anywhere gives category "none".
    """
    card = _first(evidence, "card.license")
    name_ev = _first(evidence, "card.license_name")
    link_ev = _first(evidence, "card.license_link")
    file_ev = _best_file(evidence)
    unread = tuple(e for e in evidence if e.fact == "license_file.unrecognised")
    code_only = file_ev is not None and file_ev.location.key == "code"
    if code_only and any(e.location.key == "model" for e in unread):
        file_ev = None  # the code's license does not stand in for an unread model license

    if card is None and name_ev is None and file_ev is None:
        if unread:
            return LicenseInfo(None, None, None, None, LicenseCategory.UNKNOWN, unread)
        return LicenseInfo(None, None, None, None, LicenseCategory.NONE)

    file_term = _term(str(file_ev.value), None) if file_ev is not None else None
    primary = card or name_ev  # a license_name without an id means "other"
    if primary is None:
        assert file_ev is not None and file_term is not None
        return _info(str(file_ev.value), [[file_term]], (file_ev,))

    declared = declared_text(card.value) if card is not None else "other"
    alternatives = _parse_expression(declared, name_ev)
    cited = tuple(e for e in (card, name_ev, link_ev) if e is not None)
    terms = [t for g in alternatives for t in g]
    if file_ev is None or file_term is None or file_ev.confidence is Confidence.LOW:
        return _info(declared, alternatives, cited)  # a doubtful file read does not contradict
    unknown = LicenseCategory.UNKNOWN
    if all(t.category == unknown for t in terms) and file_term.category != unknown:
        # the card says "other"/"unknown" or something unrecognised; the file says what it is
        return replace(
            _info(str(file_ev.value), [[file_term]], cited + (file_ev,)), declared=declared
        )
    if file_term.ref is not None and any(t.ref == file_term.ref for t in terms):
        return _info(declared, alternatives, cited + (file_ev,))
    lowered = replace(
        primary,
        confidence=Confidence.LOW,
        note=f"conflicts with {file_ev.location.file} ({file_ev.value})",
    )
    return _info(declared, alternatives, (lowered,) + cited[1:] + (file_ev,))


def _first(evidence: Sequence[Evidence], fact: str) -> Evidence | None:
    return next((e for e in evidence if e.fact == fact), None)


def _best_file(evidence: Sequence[Evidence]) -> Evidence | None:
    """The model license over an unlabelled one over the code license; then the surest."""
    order = {"model": 0, None: 1, "code": 2}
    files = [e for e in evidence if e.fact == "license_file.spdx" and isinstance(e.value, str)]
    files.sort(key=lambda e: (order.get(e.location.key, 1), -_CONFIDENCE_RANK[e.confidence]))
    return files[0] if files else None


def _parse_expression(text: str, name_ev: Evidence | None) -> list[list[_Term]]:
    return [[_term(k, name_ev) for k in g] for g in groups(text)] or [[_term(text, name_ev)]]


def _term(text: str, name_ev: Evidence | None) -> _Term:
    text = re.split(r"\s+with\s+", text.strip(), flags=re.IGNORECASE)[0].strip()
    entry = lookup(text)
    if entry is not None and entry.key == "other" and name_ev is not None:
        named = lookup(str(name_ev.value))
        if named is not None:
            entry = named
        else:
            return _Term(None, None, str(name_ev.value), LicenseCategory.UNKNOWN, None)
    if entry is None:
        return _Term(None, None, text, LicenseCategory.UNKNOWN, None)
    if entry.key in ("other", "unknown"):
        return _Term(None, None, entry.name, LicenseCategory.UNKNOWN, None)
    return _Term(entry.ref, entry.spdx, entry.name, entry.category, entry.osi_approved)


def _info(declared: str, alts: list[list[_Term]], cited: tuple[Evidence, ...]) -> LicenseInfo:
    category = most_open(strictest(t.category for t in g) for g in alts)
    spdx: str | None = None
    if all(t.spdx for g in alts for t in g):
        spdx = " OR ".join(" AND ".join(str(t.spdx) for t in g) for g in alts)
    name = " OR ".join(" AND ".join(t.name for t in g) for g in alts)
    osi = _any([_all([t.osi for t in g]) for g in alts])
    return LicenseInfo(declared, spdx, name, osi, category, cited)


def _all(values: list[bool | None]) -> bool | None:
    if any(v is False for v in values):
        return False
    return True if all(v is True for v in values) else None


def _any(values: list[bool | None]) -> bool | None:
    if any(v is True for v in values):
        return True
    return False if all(v is False for v in values) else None
