"""The license catalog as one lookup: AI licenses and use policies (`catalog.yaml`, with term
profiles) over the Hub table (`hf_licenses.json`) over the SPDX list.

`resolve(term)` turns a Hub id, `license_name` spelling, SPDX id, LicenseRef id or ScanCode key
into a `Resolved` license with its terms; `by_url()` names the license a URL points at.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields
from functools import cache
from importlib import resources
from typing import Any

from ..datafiles import load_yaml
from ..model import LicenseTerms
from .identify import CatalogEntry, license_ref, lookup

KINDS = ("license", "use-policy")
COMMERCIAL = ("allowed", "conditional", "prohibited", "unknown")


@dataclass(frozen=True)
class Resolved:
    """A catalog license with everything a report shows about it."""

    id: str
    name: str
    version: str | None
    spdx: str | None
    hf_id: str | None
    category: str
    osi_approved: bool | None
    kind: str
    family: str | None
    scancode: str | None
    terms: LicenseTerms


@dataclass(frozen=True)
class AiEntry:
    resolved: Resolved
    names: tuple[str, ...]
    urls: tuple[str, ...]
    title: re.Pattern[str] | None
    date: re.Pattern[str] | None
    version_pattern: re.Pattern[str] | None
    #: a pattern whose group 1 is a version the text names; any but its own means modified
    version_mentions: re.Pattern[str] | None = None


#: profiles for licenses the catalog has no entry for, by openness category
_CATEGORY_TERMS = {
    "open-source": LicenseTerms(
        "allowed",
        use_restrictions=False,
        restrictions_downstream=False,
        attribution=True,
        revocable=False,
    ),
    "open-content": LicenseTerms(
        "allowed",
        use_restrictions=False,
        restrictions_downstream=False,
        attribution=None,
        revocable=False,
    ),
    "noncommercial": LicenseTerms(
        "prohibited", use_restrictions=False, restrictions_downstream=False, revocable=False
    ),
    "restricted": LicenseTerms("unknown", use_restrictions=True),
}


def category_terms(category: str) -> LicenseTerms:
    return _CATEGORY_TERMS.get(category, LicenseTerms())


@cache
def ai_entries() -> tuple[AiEntry, ...]:
    text = resources.files(__package__).joinpath("catalog.yaml").read_text("utf-8")
    raw = load_yaml(text)
    return tuple(_entry(e) for e in raw["licenses"])


def _entry(e: dict[str, Any]) -> AiEntry:
    hub_entry = lookup(e["hf"]) if e.get("hf") else lookup(e.get("hub_key") or e["id"])
    category = e.get("category") or (hub_entry.category if hub_entry else "unknown")
    spdx = hub_entry.spdx if hub_entry else None
    kind = e.get("kind", "license")
    if kind not in KINDS:
        raise ValueError(f"catalog.yaml: {e['id']} has unknown kind {kind!r}")
    resolved = Resolved(
        id=e["id"],
        name=e["name"],
        version=e.get("version"),
        spdx=spdx,
        hf_id=e.get("hf"),
        category=category,
        osi_approved=hub_entry.osi_approved if hub_entry else False,
        kind=kind,
        family=e.get("family"),
        scancode=e.get("scancode"),
        terms=_terms(e.get("terms") or {}, e["id"]),
    )
    return AiEntry(
        resolved,
        tuple(str(n).lower() for n in e.get("names", ())),
        tuple(str(u).lower() for u in e.get("urls", ())),
        _compile(e.get("title")),
        _compile(e.get("date")),
        _compile(e.get("version_pattern")),
        _compile(e.get("version_mentions")),
    )


def _compile(pattern: str | None) -> re.Pattern[str] | None:
    return re.compile(pattern) if pattern else None


def _terms(raw: dict[str, Any], where: str) -> LicenseTerms:
    known = {f.name for f in fields(LicenseTerms)}
    data = {k: v for k, v in raw.items() if k in known}
    unknown = set(raw) - known - {"output_training_note"}
    if unknown:
        raise ValueError(f"catalog.yaml: {where} has unknown term fields {sorted(unknown)}")
    if data.get("commercial_use") is None:
        data["commercial_use"] = "unknown"
    if data["commercial_use"] not in COMMERCIAL:
        raise ValueError(f"catalog.yaml: {where} commercial_use {data['commercial_use']!r}")
    data["territory_exclusions"] = tuple(data.get("territory_exclusions") or ())
    note = "; ".join(str(raw[k]) for k in ("note", "output_training_note") if raw.get(k))
    data["note"] = note
    return LicenseTerms(**data)


@cache
def _ai_index() -> dict[str, AiEntry]:
    idx: dict[str, AiEntry] = {}
    for entry in ai_entries():
        r = entry.resolved
        for key in (*entry.names, r.hf_id, r.scancode, r.id):
            if key:
                idx[key.lower()] = entry
    return idx


def ai_entry(term: str) -> AiEntry | None:
    return _ai_index().get(term.strip().lower())


@cache
def _scancode_keys() -> dict[str, str]:
    """SPDX id (lower case) -> ScanCode key, from the index `license-expression` ships."""
    try:
        data = resources.files("license_expression").joinpath("data/scancode-licensedb-index.json")
        rows = json.loads(data.read_text("utf-8"))
    except (OSError, ValueError, ModuleNotFoundError):
        return {}
    out: dict[str, str] = {}
    for row in rows:
        spdx = row.get("spdx_license_key")
        if spdx and not row.get("is_deprecated"):
            out.setdefault(spdx.lower(), row["license_key"])
    return out


def resolve(term: str) -> Resolved | None:
    """The license a Hub id, name, SPDX id, LicenseRef id or ScanCode key names, or None."""
    key = term.strip()
    if not key:
        return None
    entry = ai_entry(key)
    if entry is not None:
        return entry.resolved
    hub = lookup(key)
    if hub is None:
        return None
    if hub.key in ("other", "unknown"):
        return None
    return _from_hub(hub)


def _from_hub(hub: CatalogEntry) -> Resolved:
    by_ref = ai_entry(hub.ref) or ai_entry(hub.key)
    if by_ref is not None:
        return by_ref.resolved
    return Resolved(
        id=hub.ref,
        name=hub.name,
        version=_version_of(hub.spdx),
        spdx=hub.spdx,
        hf_id=hub.key if hub.hub else None,
        category=hub.category,
        osi_approved=hub.osi_approved,
        kind="license",
        family=None,
        scancode=_scancode_keys().get(hub.spdx.lower()) if hub.spdx else None,
        terms=category_terms(hub.category),
    )


def _version_of(spdx: str | None) -> str | None:
    if not spdx:
        return None
    m = re.search(r"-(\d+(?:\.\d+)*[a-z]?)(?:-only|-or-later)?$", spdx)
    return m.group(1) if m else None


def by_url(url: str) -> Resolved | None:
    """The license a URL points at: a catalog URL pattern, or a well-known license URL."""
    low = url.strip().lower().rstrip("/")
    best: tuple[int, AiEntry] | None = None
    for entry in ai_entries():
        for pattern in entry.urls:
            if pattern in low and (best is None or len(pattern) > best[0]):
                best = (len(pattern), entry)
    if best is not None:
        return best[1].resolved
    for pattern, spdx in _STANDARD_URLS:
        m = re.search(pattern, low)
        if m:
            return resolve(spdx.format(*m.groups()))
    return None


_STANDARD_URLS = (
    (r"apache\.org/licenses/license-2\.0", "Apache-2.0"),
    (r"opensource\.org/licenses?/mit\b", "MIT"),
    (r"opensource\.org/licenses?/([a-z0-9.\-]+)", "{0}"),
    (r"creativecommons\.org/licenses/(by(?:-nc)?(?:-sa|-nd)?)/(\d\.\d)", "cc-{0}-{1}"),
    (r"creativecommons\.org/publicdomain/zero/1\.0", "CC0-1.0"),
    (r"gnu\.org/licenses/agpl-3\.0", "AGPL-3.0-only"),
    (r"gnu\.org/licenses/lgpl-3\.0", "LGPL-3.0-only"),
    (r"gnu\.org/licenses/gpl-3\.0", "GPL-3.0-only"),
    (r"gnu\.org/licenses/old-licenses/gpl-2\.0", "GPL-2.0-only"),
    (r"mozilla\.org/mpl/2\.0", "MPL-2.0"),
    (r"spdx\.org/licenses/([a-z0-9.\-+]+?)(?:\.html)?$", "{0}"),
    (r"choosealicense\.com/licenses/([a-z0-9.\-]+)", "{0}"),
)


def ref_for(term: str) -> str:
    """An id for a term the catalog does not know: its LicenseRef form."""
    return license_ref(term)
