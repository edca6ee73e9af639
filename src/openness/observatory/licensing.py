"""License families, commercial-use terms and "claims open", shared by every kind of row.

One table drives both the Python path (stored assessments) and the DuckDB path (metadata
mode), so a license id lands in the same family whichever way it was rated.
"""

from __future__ import annotations

import re
from functools import cache

from ..licenses.catalog import hub_keys, lookup

#: first match wins; tested against the lowercased license id (Hub id, SPDX or LicenseRef)
FAMILY_PATTERNS: tuple[tuple[str, str], ...] = (
    ("cc-by-nc", r"cc-by-nc"),
    ("cc-by-nd", r"cc-by-nd"),
    ("cc-by-sa", r"cc-by-sa"),
    ("cc-by", r"cc-by"),
    ("public-domain", r"cc0|unlicense|pddl|wtfpl"),
    ("apache", r"apache"),
    ("mit", r"^(licenseref-)?mit\b|^mit-"),
    ("bsd", r"bsd"),
    ("gpl", r"^(licenseref-)?(a|l)?gpl"),
    ("openrail", r"rail"),
    ("llama", r"llama"),
    ("gemma", r"gemma"),
    ("qwen", r"qwen|tongyi"),
    ("deepseek", r"deepseek"),
)

#: when no pattern matches: the family follows the category
CATEGORY_FAMILIES = {
    "open-source": "other-osi",
    "open-content": "other-open-content",
    "restricted": "other-restricted",
    "noncommercial": "other-noncommercial",
    "proprietary": "proprietary",
    "none": "none",
    "unknown": "unknown",
}

#: the row's spelling of the verdict's commercial-use term (`LicenseTerms.commercial_use`)
ROW_COMMERCIAL_USE = {"allowed": "yes", "conditional": "conditional", "prohibited": "no"}

#: commercial use by category, for documents written before the verdict carried its terms (and
#: for metadata mode, which has no license text): yes | conditional | no | unknown
COMMERCIAL_USE = {
    "open-source": "yes",
    "open-content": "yes",
    "restricted": "conditional",
    "noncommercial": "no",
    "proprietary": "no",
    "none": "no",
    "unknown": "unknown",
}

OPEN_CATEGORIES = frozenset({"open-source", "open-content"})
OPEN_CLAIM_TAGS = ("open-source", "opensource", "open source", "open_source")
OPEN_CLAIM_PATTERN = r"open[- _]?source"


def family(license_id: str | None, category: str) -> str:
    if license_id:
        text = license_id.lower()
        for name, pattern in FAMILY_PATTERNS:
            if re.search(pattern, text):
                return name
    return CATEGORY_FAMILIES.get(category, "unknown")


def commercial_use(category: str, terms: object = None) -> str:
    """yes | conditional | no | unknown: the verdict's terms when the document has them."""
    if isinstance(terms, dict) and terms.get("commercial_use") is not None:
        return ROW_COMMERCIAL_USE.get(str(terms["commercial_use"]), "unknown")
    return COMMERCIAL_USE.get(category, "unknown")


def claims_open(tags: list[str], license_texts: list[str]) -> bool:
    """Placeholder until framework ratings land: the card calls itself open source."""
    if any(t.strip().lower() in OPEN_CLAIM_TAGS for t in tags):
        return True
    return any(re.search(OPEN_CLAIM_PATTERN, t.lower()) for t in license_texts)


def is_openwashing(claims: bool, category: str) -> bool:
    return claims and category not in OPEN_CATEGORIES


@cache
def lookup_rows() -> tuple[tuple[str, str, str, str, str], ...]:
    """(key, license_id, category, family, commercial_use) for every name `lookup` knows."""
    rows: dict[str, tuple[str, str, str, str, str]] = {}
    for key in hub_keys():
        entry = lookup(key)
        if entry is None:
            continue
        rows[key] = (
            key,
            entry.ref,
            entry.category,
            family(entry.ref if entry.spdx else entry.key, entry.category),
            commercial_use(entry.category),
        )
    return tuple(rows.values())
