"""Name a license text, or say honestly that it is unknown or modified.

1. Fingerprints: the share of each reference's shingles found in the text (coverage) and of the
   text's shingles that belong to the reference (purity). Versions of one license are
   near-duplicates, so fingerprints pick a cluster, not a version.
2. Anchored title and date patterns (catalog.yaml) pick the version inside the cluster; a title
   of one version with the date of another is a modified text.
3. The key terms read from the text must agree with the chosen license's profile: one changed
   number or a removed clause is enough to make a text "modified".
Below the threshold the answer is "modified" (with the closest candidates) or "unknown"; a title
alone names a license only when the catalog holds no fingerprint to check the text against.
Short texts may be notices ("Licensed under the Apache License, Version 2.0") or pointers
("Please refer to https://...") naming a license by a URL.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from ..lazy_re import lazy
from ..model import LicenseCandidate, LicenseKind, LicenseTerms, MatchStatus, TermSource
from . import clauses
from .catalog import AiEntry, Resolved, ai_entries, ai_entry, by_url, resolve
from .rules import TEXT_RULES, Recognition, confidence_level, recognise_by_rules
from .text import (
    MAX_TEXT_CHARS,
    SAMPLE,
    clean,
    decode_hashes,
    flat,
    head,
    line_of,
    shingle_hashes,
    shingle_sequence,
    words,
)

#: the package's data files, read directly: importlib.resources costs more than the read
_HERE = Path(__file__).parent

IDENTIFIED, MODIFIED, UNKNOWN = MatchStatus.IDENTIFIED, MatchStatus.MODIFIED, MatchStatus.UNKNOWN
#: confidence at or above which a text is named
THRESHOLD = 0.95
#: below this coverage a reference is not even a candidate
CANDIDATE_MIN = 0.25
#: references within this score of the best are near-duplicates (versions, siblings)
NEAR = 0.12
#: a text that carries neither the title nor this much of any catalogued license is another
#: license (uncatalogued), not a modified one
UNCATALOGUED_BELOW = 0.5
#: purity below this means the text holds much more than the license (extra terms)
PURITY_MIN = 0.8
_SHORT_WORDS = 150
_URL = lazy(r"https?://[^\s)\]>\"']+")
#: a Markdown link, read as its text: "under the [Apache 2.0 license](URL)" is a notice
_MD_LINK = lazy(r"\[([^\]\n]{0,200})\]\([^)\s]{0,500}\)")


@dataclass(frozen=True)
class TextMatch:
    status: MatchStatus
    license: Resolved | None  # set when identified
    confidence: float
    via: str  # text | title | notice | pointer | none
    line: int | None = None
    version: str | None = None
    candidates: tuple[LicenseCandidate, ...] = ()
    reason: str = ""
    #: the terms of this text: read from it, the catalog profile filling in only what an
    #: identified text does not address (each term's source says which)
    terms: LicenseTerms | None = None
    #: the catalogued license a modified text resembles (family, version), when there is one
    resembles: Resolved | None = None
    #: the text's own title (its first line naming a license), and where it is
    title: str | None = None
    #: the terms where the text differs from the catalog profile, cited (clause, line)
    differences: tuple[TermSource, ...] = ()


@dataclass(frozen=True)
class _Ref:
    id: str
    hashes: frozenset[int]
    sample: int


@dataclass(frozen=True)
class _Index:
    refs: tuple[_Ref, ...]
    ids: frozenset[str]


@cache
def _index() -> _Index:
    raw = json.loads(_HERE.joinpath("fingerprints.json").read_text("utf-8"))
    refs = tuple(
        _Ref(r["id"], decode_hashes(r["hashes"]), int(r.get("sample", SAMPLE))) for r in raw["refs"]
    )
    return _Index(refs, frozenset(r.id for r in refs))


def reference_ids() -> frozenset[str]:
    """The catalog ids that have a reference text (fingerprint)."""
    return _index().ids


def load() -> None:
    """Load the catalog and fingerprints now (they load on first use otherwise)."""
    _index()
    ai_entries()
    _title_entries()


def scores(text_words: list[str]) -> dict[str, float]:
    """Best score per license id: coverage, reduced when the text holds much extra."""
    every = shingle_hashes(text_words, 1)
    if not every:
        return {}
    sampled = {h for h in every if h % SAMPLE == 0} or every
    best: dict[str, float] = {}
    for ref in _index().refs:
        doc = every if ref.sample == 1 else sampled
        n = len(doc & ref.hashes)
        if n == 0:
            continue
        coverage = n / len(ref.hashes)
        purity = n / len(doc)
        score = coverage * min(1.0, purity / PURITY_MIN)
        if score > best.get(ref.id, 0.0):
            best[ref.id] = score
    return best


def recognise_text(text: str) -> Recognition | None:
    """Name a license text, or None when it is unknown or modified."""
    found = match_text(text)
    if found.status == IDENTIFIED and found.license is not None:
        return Recognition(
            found.license.id, confidence_level(found.confidence), found.license.name, found.line
        )
    return None


def match_text(text: str, first_line: int = 1) -> TextMatch:
    """Name a license text, or the license block a longer document holds, read its terms
    clause by clause and cross-check them with the catalog. `first_line`: the line of a
    larger file the text starts at (lines cited are the file's).

    A text longer than MAX_TEXT_CHARS is read in windows (its start, its end, and around
    lines that look like license titles), so neither size nor padding hides a license.
    """
    if len(text) > MAX_TEXT_CHARS:
        windows = _windows(text)
        return _best([_match_located(part, first + first_line - 1) for first, part in windows])
    return _match_located(text, first_line)


def _match_located(text: str, first_line: int) -> TextMatch:
    found = _match_block(text, first_line)
    if found.status == IDENTIFIED or not _worth_locating(found):
        return found
    block = _locate(text)
    if block is None:
        return found
    start, end = block
    lines = text.split("\n")
    inner = _match_block("\n".join(lines[start:end]), first_line + start)
    if inner.status == IDENTIFIED:
        inner = _check_rest(inner, lines, start, end, first_line)
    elif found.title is not None:
        return found  # a text with its own title is not a block of some other license
    return _best([found, inner])


def _worth_locating(found: TextMatch) -> bool:
    """Only a text that fell short for holding more than a license (a card, padding) is
    searched for a license block: a text whose own terms or title differ is already read."""
    if found.differences:
        return False
    return found.status == UNKNOWN or found.reason.startswith(
        ("only ", "the text does not carry", "too close to call")
    )


def _best(found: list[TextMatch]) -> TextMatch:
    def rank(m: TextMatch) -> tuple[int, int, float]:
        known = 1 if (m.candidates or m.resembles or m.license) else 0
        return ({IDENTIFIED: 2, MODIFIED: 1}.get(m.status, 0), known, m.confidence)

    return max(found, key=rank)


def _match_block(text: str, first_line: int = 1) -> TextMatch:
    cleaned = clean(text)
    tokens = words(cleaned)
    if not tokens:
        return TextMatch(UNKNOWN, None, 0.0, "none", reason="empty text")
    reading = clauses.read(text, first_line)
    top = head(cleaned, 1500)
    ranked = sorted(scores(tokens).items(), key=lambda kv: -kv[1])
    ranked = [(i, s) for i, s in ranked if s >= CANDIDATE_MIN]
    if ranked:
        return _by_fingerprint(text, cleaned, top, ranked, reading, first_line)
    if len(tokens) <= _SHORT_WORDS:
        short = _notice_or_pointer(text, cleaned) or _snippet(text)
        if short is not None:
            return _shifted(short, first_line)
    titled = _by_title_only(text, top, reading, len(tokens))
    if titled is not None:
        return _shifted(titled, first_line)
    return _unread(reading, "no known license text, title or notice")


def _shifted(found: TextMatch, first_line: int) -> TextMatch:
    if first_line == 1 or found.line is None:
        return found
    return replace(found, line=found.line + first_line - 1)


def _unread(reading: clauses.Reading, reason: str) -> TextMatch:
    """A text no catalog entry names: its terms are still read from it."""
    return TextMatch(
        UNKNOWN,
        None,
        0.0,
        "none",
        reading.title_line,
        reading.version,
        reason=reason,
        terms=replace(reading.terms, note=reason),
        title=reading.title,
    )


# --------------------------------------------------------------------------- fingerprints


def _by_fingerprint(
    text: str,
    cleaned: str,
    top: str,
    ranked: list[tuple[str, float]],
    reading: clauses.Reading,
    first_line: int = 1,
) -> TextMatch:
    best_score = ranked[0][1]
    near = {i: s for i, s in ranked if s >= best_score - NEAR}
    family_scores = _with_family_members(near)
    candidates = tuple(_candidate(i, s) for i, s in ranked[:3])

    titled = [i for i in family_scores if _title_matches(i, top)]
    reason = ""
    if len(titled) == 1:
        chosen = titled[0]
    elif len(titled) > 1:  # e.g. a generic and a specific title both match: prefer dated ones
        dated = [i for i in titled if _date_matches(i, top)]
        chosen = dated[0] if len(dated) == 1 else max(titled, key=lambda i: family_scores[i])
    else:
        chosen = ranked[0][0]
        runner = next((s for i, s in ranked[1:] if _family(i) != _family(chosen)), 0.0)
        if _has_title(chosen) and best_score < 0.97:
            reason = "the text does not carry the license's title"
        elif best_score - runner < 0.05:
            reason = f"too close to call between {ranked[0][0]} and the next candidate"
    if not reason and reading.title_line is not None and _has_title(chosen):
        near_title = _title_lines(text, reading.title_line - first_line)
        if _distinctive(reading.title or "") and not any(
            _title_matches(i, near_title) for i in family_scores
        ):
            reason = f"the text carries another title ({reading.title})"
    if not reason and _says_modified(reading.title, chosen):
        reason = f"its title says it is modified ({reading.title})"
    score = family_scores[chosen]
    if chosen not in near:  # a version the catalog knows by title only
        score = best_score * 0.95
    reason = reason or _version_conflict(chosen, family_scores, top)
    reason = reason or _other_versions_named(chosen, flat(cleaned))
    license = resolve(chosen)
    if license is None:  # fingerprints name only catalog ids
        return replace(_unread(reading, "not in catalog"), via="text", candidates=candidates)
    if not titled and score < UNCATALOGUED_BELOW:
        # "modified" says the text is a catalogued license, changed: it carries that license's
        # title or most of its text. A text that shares a few boilerplate clauses with one
        # (DBRX's license, 29% of Llama 2) is another license, not in the catalog.
        own = f"titled {reading.title}, " if reading.title else ""
        why = f"not in the catalog: {own}it shares only {score:.0%} of {chosen}'s text"
        return replace(_unread(reading, why), via="text", candidates=candidates)
    entry = ai_entry(chosen)
    differences = clauses.compare(
        license.terms, reading, entry.stated if entry is not None else frozenset()
    )
    if differences:
        what = "; ".join(_difference(d) for d in differences)
        reason = "; ".join(r for r in (reason, f"terms differ from {chosen}: {what}") if r)
    line = line_of(text, entry.title) if entry and entry.title and titled else None
    line = line + first_line - 1 if line is not None else reading.title_line
    version = _version_in_text(entry, flat(cleaned)) or license.version
    if not reason and license.version and version != license.version:
        reason = f"version {version} is not the catalogued version {license.version}"
    if chosen not in near and not reason and _title_only_named(chosen, titled, best_score):
        # its own title, its family's text and every term the profile states: the version
        # the catalog knows by title, named at the lowest "identified" confidence
        score = THRESHOLD
    if reason or score < THRESHOLD:
        status = MODIFIED if score >= 0.5 or reason else UNKNOWN
        # the terms read from the text win; confidence drops below any "identified" level
        ceiling = 0.85 if differences else THRESHOLD - 0.01
        why = reason or f"only {score:.0%} of {chosen} matches"
        return TextMatch(
            status,
            None,
            round(min(score, ceiling), 3),
            "text",
            line,
            reading.version or None,
            candidates,
            why,
            terms=clauses.annotated(reading.terms, differences, why),
            resembles=license,
            title=reading.title,
            differences=tuple(differences),
        )
    terms = clauses.merged(license.terms, reading)
    license = replace(license, version=version, terms=terms)
    return TextMatch(
        IDENTIFIED,
        license,
        round(score, 3),
        "text",
        line,
        version,
        candidates,
        terms=terms,
        title=reading.title,
    )


#: a title-only version is named only when its family's text covers this much of it
TITLE_ONLY_FAMILY_MIN = 0.8


def _title_only_named(chosen: str, titled: list[str], family_score: float) -> bool:
    return titled == [chosen] and family_score >= TITLE_ONLY_FAMILY_MIN


_MODIFIED_TITLE = lazy(r"\b(modified|amended|customi[sz]ed|adapted)\b")


def _says_modified(title: str | None, chosen: str) -> bool:
    """The text's own title calls it a modified license ("Modified MIT License", GPT-2's) and
    the license chosen is not itself one by name."""
    if title is None or not _MODIFIED_TITLE.search(title.lower()):
        return False
    pattern = _title_pattern(chosen)
    return pattern is None or not _MODIFIED_TITLE.search(pattern.pattern)


def _title_lines(text: str, index: int) -> str:
    """The title line (0-based index), with the next line when it is a short subtitle (a
    version or a date), flattened."""
    lines = [line for line in text.split("\n")[index : index + 4] if line.strip()]
    keep = 2 if len(lines) > 1 and len(lines[1].strip()) <= 60 else 1
    return flat(clean(" ".join(lines[:keep])))


_GENERIC_TITLE = frozenset(
    ("license", "licence", "agreement", "terms", "of", "use", "the", "and", "conditions")
    + ("policy", "community", "model", "version", "software", "public", "acceptable", "usage")
)


def _distinctive(title: str) -> bool:
    """A title naming something (a product, a licensor), not just "License"."""
    return any(w not in _GENERIC_TITLE and not w.isdigit() for w in words(clean(title)))


def _difference(d: TermSource) -> str:
    where = f" (line {d.line})" if d.line else ""
    return f"{d.term.replace('_', ' ')} {d.value}{where}, catalogued {d.catalogued}"


def _check_rest(
    found: TextMatch, lines: list[str], start: int, end: int, first_line: int
) -> TextMatch:
    """A license found inside a longer document: terms stated around it that differ from
    it (extra clauses before or after) make it modified."""
    if found.license is None:
        return found
    out: list[TermSource] = []
    for lo, hi in ((0, start), (end, len(lines))):
        if hi - lo < 1:
            continue
        rest = clauses.read("\n".join(lines[lo:hi]), first_line + lo)
        out += [
            d
            for d in clauses.compare(found.license.terms, rest, frozenset())
            if d.catalogued is not None and d.line is not None
        ]
    if not out:
        return found
    why = "terms stated outside the license text differ: " + "; ".join(map(_difference, out))
    terms = clauses.annotated(found.terms or found.license.terms, out, why)
    return replace(
        found,
        status=MODIFIED,
        license=None,
        confidence=min(found.confidence, 0.85),
        reason=why,
        terms=terms,
        resembles=found.license,
        differences=tuple(out),
    )


# --------------------------------------------------------------------------- where a license is

#: a text longer than MAX_TEXT_CHARS is read in windows of this size
_WINDOW = 96 * 1024
#: words that start a license in the middle of a long text (looked for with str.find: fast)
_TITLE_KEYS: tuple[str, ...] = (
    "license agreement",
    "licence agreement",
    "community license",
    "public license",
    "terms of use",
    "use policy",
    "license\n",
    "licence\n",
)
_MAX_WINDOWS = 8
_TITLE_HIT = lazy(
    r"licen[cs]e agreement|community licen[cs]e|public licen[cs]e|"
    r"licen[cs]e\s*\n|terms of use|use policy",
    re.IGNORECASE,
)
#: a block must hold this many more fingerprint hits than misses to count as a license
_BLOCK_MIN = 12
_SECTION = lazy(r"^\s{0,3}#{1,4}\s*(\W\s*)?licen[cs](e|ing)\b", re.IGNORECASE)


def _windows(text: str) -> list[tuple[int, str]]:
    """The start, the end and the lines that look like license titles of a long text, each
    with the line it starts at: bounded work whatever the size."""
    spans = [(0, _cut(text, 0, _WINDOW))]
    tail = max(len(text) - _WINDOW, _WINDOW)
    pos = _WINDOW
    low = text.lower()
    while len(spans) < _MAX_WINDOWS - 1:
        hits = [i for i in (low.find(k, pos, tail) for k in _TITLE_KEYS) if i >= 0]
        if not hits:
            break
        start = text.rfind("\n", 0, min(hits)) + 1
        spans.append((start, _cut(text, start, _WINDOW)))
        pos = max(spans[-1][1], min(hits) + 1)
    if tail < len(text):
        start = text.find("\n", tail) + 1 or tail
        spans.append((start, len(text)))
    out = []
    for start, end in spans:
        out.append((text.count("\n", 0, start) + 1, text[start:end]))
    return out


def _cut(text: str, start: int, size: int) -> int:
    end = min(len(text), start + size)
    if end < len(text):
        nl = text.rfind("\n", start, end)
        end = nl + 1 if nl > start else end
    return end


@cache
def _all_hashes() -> frozenset[int]:
    out: set[int] = set()
    for ref in _index().refs:
        out |= ref.hashes
    return frozenset(out)


def _locate(text: str) -> tuple[int, int] | None:
    """The lines (start, end) of the license a longer document holds: the run of lines
    richest in known-license fingerprints, or else a License section or a license title
    below the top to the end."""
    lines = text.split("\n")
    if len(lines) < 3:
        return None
    owner: list[int] = []
    tokens: list[str] = []
    for number, line in enumerate(lines):
        found = words(clean(line)) if line.strip() else []
        tokens += found
        owner += [number] * len(found)
    known = _all_hashes()
    value = [0] * len(lines)
    for i, h in enumerate(shingle_sequence(tokens)):
        if h % SAMPLE == 0:
            value[owner[i]] += 1 if h in known else -1
    best, best_span, run, run_start = 0, (0, 0), 0, 0
    for number, v in enumerate(value):
        if run <= 0:
            run, run_start = v, number
        else:
            run += v
        if run > best:
            best, best_span = run, (run_start, number + 1)
    if best >= _BLOCK_MIN and best_span != (0, len(lines)):
        return best_span
    for number, line in enumerate(lines):
        if number and _SECTION.match(line):
            return number + 1, len(lines)
    for number, line in enumerate(lines[3:], start=3):
        if 3 < len(line.strip()) <= 100 and _TITLE_HIT.search(line + "\n"):
            return number, len(lines)
    return None


def _with_family_members(near: dict[str, float]) -> dict[str, float]:
    """Near candidates plus catalog entries of the same family that have no fingerprint."""
    out = dict(near)
    families = {_family(i) for i in near} - {None}
    index_ids = _index().ids
    for entry in ai_entries():
        r = entry.resolved
        if r.family in families and r.id not in index_ids and r.id not in out:
            same_kind = [i for i in near if _kind(i) == r.kind and _family(i) == r.family]
            if same_kind:
                out[r.id] = max(near[i] for i in same_kind) * 0.95
    return out


def _version_conflict(chosen: str, family: dict[str, float], top: str) -> str:
    entry = ai_entry(chosen)
    if entry is None or entry.date is None or entry.date.search(top):
        return ""
    for other in family:
        o = ai_entry(other)
        if o is not None and o.date is not None and other != chosen and o.date.search(top):
            return f"title of {chosen} with the date of {other}"
    return ""


def _other_versions_named(chosen: str, flat_text: str) -> str:
    entry = ai_entry(chosen)
    if entry is None or entry.version_mentions is None:
        return ""
    named = {m.group(1) for m in entry.version_mentions.finditer(flat_text)}
    others = sorted(named - {entry.resolved.version})
    return f"names other versions ({', '.join(others)})" if others else ""


def _version_in_text(entry: AiEntry | None, flat_text: str) -> str | None:
    if entry is None:
        return None
    if entry.version_pattern is None:
        return (
            _stated_date(flat_text[:600])
            if _ISO_DATE.fullmatch(entry.resolved.version or "")
            else None
        )
    m = entry.version_pattern.search(flat_text[:2000])
    return m.group(1) if m else None


_ISO_DATE = lazy(r"\d{4}-\d{2}-\d{2}")
_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
#: the date a license text says it is of, near its top ("Dated: November 28, 2023")
_STATED_DATE = lazy(
    r"\b(?:dated|release date|last (?:updated|modified|revised)|effective date|version date)"
    rf"\W{{0,3}}(?:({'|'.join(_MONTHS)}) (\d{{1,2}}),? (\d{{4}})|(\d{{4}})-(\d{{2}})-(\d{{2}}))\b"
)


def _stated_date(flat_top: str) -> str | None:
    """The date a license whose versions are dates states near its top, as YYYY-MM-DD: the
    version it is, when it is not the catalogued one (SDXL-Turbo's license is dated November
    28, 2023; the catalogued text of that license December 6, 2023)."""
    m = _STATED_DATE.search(flat_top)
    if m is None:
        return None
    if m.group(1):
        month, day, year = _MONTHS.index(m.group(1)) + 1, int(m.group(2)), m.group(3)
        return f"{year}-{month:02d}-{day:02d}"
    return f"{m.group(4)}-{m.group(5)}-{m.group(6)}"


def _title_matches(ref: str, top: str) -> bool:
    pattern = _title_pattern(ref)
    return pattern is not None and pattern.search(top) is not None


@cache
def _title_pattern(ref: str) -> re.Pattern[str] | None:
    """The catalog title; for standard licenses the title rule of rules.py or, for Creative
    Commons licenses, the title their id spells."""
    entry = ai_entry(ref)
    if entry is not None:
        return entry.title
    for rule in TEXT_RULES:
        if rule.id == ref and rule.title:
            return re.compile(rule.title)
    m = re.fullmatch(r"CC-BY((?:-NC)?(?:-SA|-ND)?)-(\d\.\d)", ref)
    if m:
        parts = {"-NC": "-noncommercial", "-SA": "-sharealike", "-ND": "-no ?deriv(ative)?s"}
        suffix = "".join(parts[p] for p in re.findall(r"-(?:NC|SA|ND)", m.group(1)))
        return re.compile(rf"\battribution{suffix} {re.escape(m.group(2))}\b")
    return None


def _date_matches(ref: str, top: str) -> bool:
    entry = ai_entry(ref)
    return entry is not None and entry.date is not None and entry.date.search(top) is not None


def _has_title(ref: str) -> bool:
    return _title_pattern(ref) is not None


def _family(ref: str) -> str | None:
    r = resolve(ref)
    return r.family if r is not None and r.family else ref


def _kind(ref: str) -> LicenseKind:
    r = resolve(ref)
    return r.kind if r is not None else LicenseKind.LICENSE


def _candidate(ref: str, score: float) -> LicenseCandidate:
    r = resolve(ref)
    return LicenseCandidate(ref, r.name if r else ref, round(score, 3))


# --------------------------------------------------------------------------- titles only


@cache
def _title_entries() -> tuple[AiEntry, ...]:
    """Catalog entries with a title but no fingerprint: the only ones a title may name."""
    ids = _index().ids
    return tuple(e for e in ai_entries() if e.title is not None and e.resolved.id not in ids)


#: a text named by its title alone must be at least this long to be taken as the license
_TITLE_ONLY_MIN_WORDS = 300


def _by_title_only(text: str, top: str, reading: clauses.Reading, n_words: int) -> TextMatch | None:
    """A text whose title names a license the catalog holds no reference text for. Its terms
    are read from it; a stub (a title and a sentence or two) is not taken as the license."""
    for entry in _title_entries():
        assert entry.title is not None
        if not entry.title.search(top):
            continue
        license = entry.resolved
        line = line_of(text, entry.title)
        differences = clauses.compare(license.terms, reading, frozenset())
        if n_words < _TITLE_ONLY_MIN_WORDS:
            # a few sentences naming a license (a README's License section pointing to its
            # files) are neither its text nor a modified copy of it
            why = f"names {license.id} in only {n_words} words: not a license text"
            return replace(_unread(reading, why), via="title", line=line)
        if differences:
            why = f"terms differ from {license.id}: " + "; ".join(map(_difference, differences))
            return TextMatch(
                MODIFIED,
                None,
                0.5,
                "title",
                line,
                reading.version,
                (LicenseCandidate(license.id, license.name, 0.0),),
                why,
                terms=clauses.annotated(reading.terms, differences, why),
                resembles=license,
                title=reading.title,
                differences=tuple(differences),
            )
        terms = clauses.merged(license.terms, reading)
        return TextMatch(
            IDENTIFIED,
            replace(license, terms=terms),
            0.6,
            "title",
            line,
            license.version,
            reason="named by its title only: no reference text to compare with",
            terms=terms,
            title=reading.title,
        )
    return None


# --------------------------------------------------------------------------- notices, pointers

_NOTICES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), ref)
    for p, ref in (
        (r"licensed under the apache license,? version 2\.0", "Apache-2.0"),
        (r"spdx-license-identifier: ?([a-z0-9.+\-]+)", "{0}"),
        (
            r"(released|licensed|available|distributed) under (the |an? )?"
            r"(mit|apache[- ]2\.0) licen",
            "{2}",
        ),
        (r"licensed under (the )?(cc[- ]by[a-z\-]*[- ]\d\.\d)", "{1}"),
        (r"under the terms of the ([a-z0-9 .\-]+?) (license|licence)", "{0}"),
    )
)


def _notice_or_pointer(text: str, cleaned: str) -> TextMatch | None:
    """A notice naming its license comes before a URL pointing to one: the file behind a
    repository's LICENSE link changes (01-ai/Yi's moved from its own terms to Apache 2.0)."""
    flat_text = flat(_MD_LINK.sub(r"\1", cleaned))
    for pattern, ref in _NOTICES:
        m = pattern.search(flat_text)
        if m is None:
            continue
        found = resolve(ref.format(*m.groups()).replace(" ", "-"))
        if found is not None:
            return TextMatch(IDENTIFIED, found, 0.75, "notice", _line_with(text, m.group(0)))
    for m in _URL.finditer(cleaned):
        found = by_url(m.group(0))
        if found is not None:
            return TextMatch(
                IDENTIFIED,
                found,
                0.7,
                "pointer",
                _line_with(text, m.group(0)),
                found.version,
                reason=f"points to {m.group(0)}",
            )
    return None


def _snippet(text: str) -> TextMatch | None:
    """A short text named by the title and phrase rules of rules.py (a header, a stub)."""
    rule = recognise_by_rules(text)
    found = resolve(rule.id) if rule is not None else None
    if rule is None or found is None:
        return None
    return TextMatch(
        IDENTIFIED,
        found,
        0.6,
        "title",
        rule.line,
        found.version,
        reason="a short text named by its title and key phrases",
    )


def _line_with(text: str, fragment: str) -> int | None:
    probe = fragment[:40].lower()
    for number, line in enumerate(text.split("\n")[:400], start=1):
        if probe in flat(clean(line)):
            return number
    return None
